import { validateBeforeWrite } from '../../engine/preflight';
import type { PlannedChange } from '../component-plan';
import { regionalPipeline } from '../pipeline-context';
import type { Session } from '../session';
import type { PipelineTarget } from '../target';
import { UsageError } from '../usage';
import { planRegion, type PlanReport } from './plan';

/** What repair changed: the plan it applied. */
export interface RepairReport {
  region: string;
  applied: PlannedChange[];
}

/**
 * Converges the pipeline to the stack's properties with the same components the custom resource runs (the
 * user's credentials; the stack's permissions boundaries): validates first, then ensures every enabled
 * component and removes what the properties no longer want, then clears in-flight marks as a Create does.
 */
export async function repairPipeline(session: Session, target: PipelineTarget): Promise<RepairReport> {
  if (!target.env.PERMISSIONS_BOUNDARY_ARN) {
    throw new UsageError("repair needs --stack NAME|ARN: the roles it may create take the stack's permissions boundary, which only the stack names");
  }
  if (!target.externalIdKnown) {
    throw new UsageError('--param SiemExternalId=... is required: the SIEM role that holds the NoEcho ExternalId is gone, and repair would make it anew');
  }
  const p = await regionalPipeline(session, target, { write: true });
  const plan: PlanReport = await planRegion(session, p, 'Update');
  const applied = plan.changes.filter((c) => c.action !== 'none');
  if (applied.length === 0) return { region: p.ctx.region, applied };
  await validateBeforeWrite(p.config, p.ctx);
  const engine = session.engine;
  const remove = applied.filter((c) => c.action === 'remove').map((c) => c.component);
  const started = session.clock.now();
  await engine.apply({ ensure: [...engine.enabledIds(p.config, p.ctx)], remove }, p.config, p.ctx);
  await engine.commitAll(p.config, p.ctx);
  session.progress.done(`repaired ${p.ctx.region} in ${session.progress.since(started)}`);
  return { region: p.ctx.region, applied };
}

/** The repair's changes as lines (or JSON). */
export function formatRepair(report: RepairReport, json: boolean): string {
  if (json) return `${JSON.stringify(report, null, 2)}\n`;
  if (report.applied.length === 0) return `Nothing to repair in ${report.region}.\n`;
  const lines = report.applied.map(
    (c) =>
      `  ${c.action} ${c.component}${c.fields.length || c.vpcs?.length ? `: ${[...c.fields, ...(c.vpcs?.length ? [`flow logs for ${c.vpcs.join(', ')}`] : [])].join('; ')}` : ''}`,
  );
  return [`Repaired in ${report.region}:`, ...lines, ''].join('\n');
}
