import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import type { CliRequest } from '../args';
import type { Session } from '../session';
import { resolveTarget } from '../target';
import { UsageError } from '../usage';
import { decodeRecord, type DecodedRecord } from '../verify/decode';
import { readStream } from '../verify/read-stream';
import { auditRegions, findingCount } from './audit';
import { runDeploy, runDestroy } from './deploy';
import { regionalPipeline } from '../pipeline-context';

/** How long smoke waits for the CloudTrail event of its own call to reach the stream (CloudTrail takes minutes). */
export const SMOKE_EVENT_WAIT_MS = 20 * 60_000;
const SMOKE_POLL_MS = 60_000;

/** True for a CloudTrail delivery holding the DescribeVpcs call this tool made (its user agent names it) at or after `after`. */
export function isOurCall(record: DecodedRecord, trailGroups: ReadonlySet<string>, after: number): boolean {
  if (record.kind !== 'logs' || !trailGroups.has(record.logGroup)) return false;
  return record.events.some((e) => {
    try {
      const ev = JSON.parse(e.message) as { eventName?: string; userAgent?: string; eventTime?: string };
      return ev.eventName === 'DescribeVpcs' && (ev.userAgent ?? '').includes('aws-siem-pipeline') && Date.parse(ev.eventTime ?? '') >= after - 60_000;
    } catch {
      return false;
    }
  });
}

/**
 * The release check: deploy a throwaway stack, audit it, make one harmless management read (ec2:DescribeVpcs,
 * which CloudTrail logs), wait for its event in the stream, destroy the stack and check nothing is left.
 * Refuses without --yes and --region (bad input) before any AWS call, and without credentials (exit 3).
 */
export async function runSmoke(session: Session, req: CliRequest): Promise<number> {
  if (!req.yes) throw new UsageError('smoke creates and deletes a real stack: give --yes to run it');
  if (req.region === undefined) throw new UsageError('smoke needs --region: the region of the throwaway stack');
  if (req.templateUrl === undefined && req.bucket === undefined)
    throw new UsageError('smoke needs --template-url or --bucket: the template is larger than the 51,200 bytes CloudFormation takes inline');
  // Fails with CredentialsProviderError (exit 3) before anything is created.
  await session.clientsFor(session.region).cloudformation.config.credentials();
  const suffix = session.clock.now().toString(36).slice(-6);
  const name = req.target.kind === 'stack' ? req.target.stack : `siem-smoke-${suffix}`;
  const stackReq: CliRequest = { ...req, target: { kind: 'stack', stack: name }, props: { PipelineName: `smoke${suffix}`, ...req.props } };
  const step = (text: string) => session.progress.done(`smoke: ${text}`);

  step(`deploying ${name}`);
  if ((await runDeploy(session, stackReq)) !== 0) return 1;
  let failed = false;
  try {
    const target = await resolveTarget({ ...stackReq, props: {} }, session);
    const audits = await auditRegions(session, { ...stackReq, regions: undefined }, target);
    step(`audit: ${findingCount(audits)} finding(s)`);
    failed ||= findingCount(audits) > 0;

    const p = await regionalPipeline(session, target);
    const calledAt = session.clock.now();
    await p.ctx.clients.ec2.send(new DescribeVpcsCommand({ MaxResults: 5 }));
    const groups = new Set([p.ctx.names.cloudTrailLogGroup, ...(p.config.cloudTrail.existingLogGroup ? [p.config.cloudTrail.existingLogGroup] : [])]);
    let seen = false;
    while (!seen && session.clock.now() - calledAt < SMOKE_EVENT_WAIT_MS) {
      await session.clock.sleep(SMOKE_POLL_MS);
      const read = await readStream(p.ctx.clients.kinesis, p.ctx.names.streamName, new Date(calledAt - 60_000), session.clock);
      seen = read.records.some((r) => isOurCall(decodeRecord(r.Data ?? new Uint8Array()), groups, calledAt));
    }
    step(
      seen
        ? 'the CloudTrail event of ec2:DescribeVpcs arrived in the stream'
        : `no CloudTrail event of ec2:DescribeVpcs after ${SMOKE_EVENT_WAIT_MS / 60_000} minutes`,
    );
    failed ||= !seen;
  } finally {
    step(`destroying ${name}`);
    failed = (await runDestroy(session, { ...stackReq, yes: true })) !== 0 || failed;
  }
  session.out(failed ? 'Smoke check FAILED.\n' : 'Smoke check passed.\n');
  return failed ? 1 : 0;
}
