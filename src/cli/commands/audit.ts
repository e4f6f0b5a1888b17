import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../aws/clients';
import type { CliRequest } from '../args';
import { auditPipeline, formatAudit, type AuditReport } from '../audit';
import { failedFlowLogs, findingsOf, reusedTrailFeed, sourceCoverage, stackNameOf, type Finding, type SourceCoverage } from '../coverage';
import { regionalPipeline } from '../pipeline-context';
import { mapBounded } from '../pool';
import type { Session } from '../session';
import { resolveTarget, type PipelineTarget } from '../target';

/** Regions audited at once: each runs a dozen read calls; more would only meet API throttling. */
export const REGION_CONCURRENCY = 4;

/** The audit of one region: the component report, coverage per source and each finding with its fix. */
export interface RegionAudit {
  region: string;
  /** Why the region was not audited (no stack of this name there). */
  skipped?: string;
  report?: AuditReport;
  sources: SourceCoverage[];
  findings: Finding[];
}

/** Audits the target's region, or each region of `--regions`, concurrently with a bound. */
export async function auditRegions(session: Session, req: CliRequest, target: PipelineTarget): Promise<RegionAudit[]> {
  const regions = await regionsOf(session, req, target);
  session.progress.working(`auditing ${regions.join(', ')}`);
  return mapBounded(regions, REGION_CONCURRENCY, async (region) => {
    const result = await auditRegion(session, req, target, region);
    const s = result.report?.summary;
    session.progress.done(`audited ${region}: ${result.skipped ?? `${s!.ok} ok, ${result.findings.length} finding(s)`}`);
    return result;
  });
}

async function regionsOf(session: Session, req: CliRequest, target: PipelineTarget): Promise<string[]> {
  if (req.regions === undefined) return [target.identity.region];
  if (req.regions !== 'all') return req.regions;
  const list = session.deps.listRegions ?? describeRegions;
  return (await list(session.clientsFor(target.identity.region))).sort();
}

/** The account's enabled regions (EC2 DescribeRegions). */
async function describeRegions(clients: AwsClients): Promise<string[]> {
  const out = await clients.ec2.send(new DescribeRegionsCommand({}));
  return (out.Regions ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : []));
}

/** In another region, the pipeline is the stack of the same name there (--stack), or the same properties (--stack-id). */
async function auditRegion(session: Session, req: CliRequest, home: PipelineTarget, region: string): Promise<RegionAudit> {
  let target = home;
  if (region !== home.identity.region) {
    if (req.target.kind === 'stack') {
      const name = stackNameOf(home.identity.stackId);
      try {
        target = await resolveTarget({ ...req, target: { kind: 'stack', stack: name } }, session, region);
      } catch (err) {
        if ((err as Error).name === 'UsageError') return { region, skipped: `no stack ${name} in ${region}`, sources: [], findings: [] };
        throw err;
      }
    } else {
      const stackId = home.identity.stackId.replace(`:${home.identity.region}:`, `:${region}:`);
      target = { ...home, identity: { ...home.identity, region, stackId } };
    }
  }
  const p = await regionalPipeline(session, target);
  const report = await auditPipeline(p.config, p.ctx, session.engine);
  const regionFlag = ` --region ${region}`;
  const feed = await reusedTrailFeed(p.config, p.ctx);
  const findings = [...findingsOf(report, stackNameOf(target.identity.stackId), regionFlag), ...(await failedFlowLogs(p.config, p.ctx)), ...feed];
  // A subscribed group no trail logs into covers nothing.
  const sources = sourceCoverage(report, p.config, p.ctx.names, p.trailHome).map((s) =>
    s.source === 'CloudTrail' && feed.length > 0 ? { ...s, covered: 0 } : s,
  );
  return { region, report, sources, findings };
}

/** Findings across all regions: the exit code is 1 when there is any. */
export function findingCount(audits: readonly RegionAudit[]): number {
  return audits.reduce((n, a) => n + a.findings.length, 0);
}

/** Per region: the component table, a line per source (covered / total), and each finding with its fix. */
export function formatAudits(audits: readonly RegionAudit[], json: boolean): string {
  if (json) return `${JSON.stringify({ regions: audits, findings: findingCount(audits) }, null, 2)}\n`;
  const parts = audits.map((a) => {
    if (!a.report) return `Region ${a.region}: skipped (${a.skipped})\n`;
    const lines = [formatAudit(a.report).trimEnd(), '', 'Sources:'];
    for (const s of a.sources)
      lines.push(`  ${s.source}: ${s.total === 0 ? 'not collected here' : `${s.covered}/${s.total} covered`}${s.note ? ` (${s.note})` : ''}`);
    if (a.findings.length > 0) {
      lines.push('', 'Findings:');
      for (const f of a.findings) lines.push(`  - ${f.component}: ${f.problem}`, `    fix: ${f.fix}`);
    }
    return `${lines.join('\n')}\n`;
  });
  const n = findingCount(audits);
  return `${parts.join('\n')}\n${n === 0 ? 'Nothing to report.' : `${n} finding${n === 1 ? '' : 's'} in all.`}\n`;
}
