import { TAG_STACK } from '../../config/names';
import type { PipelineConfig } from '../../config/pipeline-config';
import type { Change } from '../../components/component';
import { desiredFlowLog, diffFlowLogs, type DesiredFlowLog, type FlowLogsFound, type FlowLogStep, type VpcInfo } from './flow-log-plan';
import type { PipelineContext } from '../../components/context';
import { createFlowLogs, deleteFlowLogs, describeVpc, EXCLUDE_TAG, listFlowLogs, listVpcs } from './ec2-calls';
import { alreadyGone } from '../../components/ownership';

export { chunk, CLIENT_TOKEN_WINDOW_MS, CREATE_BATCH, DELETE_BATCH, EXCLUDE_TAG, flowLogClientToken, isRoleNotAssumable } from './ec2-calls';

/** A sweep logs at most this many ids per category, beside the category's count. */
export const LOGGED_IDS = 20;

/** What one sweep did, counted in VPCs (and flow logs for `deleted`). */
export interface EnrollmentSummary {
  /** VPCs looked at: every VPC of the region for a sweep, the one VPC for a CreateVpc event. */
  vpcs: number;
  created: number;
  recreated: number;
  deleted: number;
  /** VPCs excluded by tag or owned by another account. */
  skipped: number;
}

/** The summary of a run that changed nothing. */
export const NOTHING_DONE: Readonly<EnrollmentSummary> = { vpcs: 0, created: 0, recreated: 0, deleted: 0, skipped: 0 };

/** A count and the first LOGGED_IDS ids: how a sweep logs a category of thousands of VPCs in one line. */
export function sample(ids: readonly string[]): { count: number; ids: string[] } {
  return { count: ids.length, ids: ids.slice(0, LOGGED_IDS) };
}

/** The flow-logs component's read: the region's VPCs and the flow logs in our log group, both paged; writes nothing. */
export async function readFlowLogs(ctx: PipelineContext): Promise<FlowLogsFound & { read: true }> {
  const [vpcs, flowLogs] = await Promise.all([listVpcs(ctx), listFlowLogs(ctx)]);
  return { read: true, vpcs, flowLogs };
}

/**
 * One enrollment sweep: every eligible VPC of the region gets exactly one flow log of ours with the configured
 * settings. The flow-logs component's read and diff, then `applyEnrollment`: shared by the component and the
 * enroller Lambda's scheduled run, so both converge alike.
 */
export async function enrollVpcs(config: PipelineConfig, ctx: PipelineContext): Promise<EnrollmentSummary> {
  const found = await readFlowLogs(ctx);
  const settings = desiredFlowLog(config);
  return applyEnrollment(diffFlowLogs(found, { enabled: true, settings }), found.vpcs, settings, ctx);
}

/**
 * Applies a sweep's changes: deletes first (a flow log cannot be modified: the old one goes, then the VPC gets a new
 * one), then creates. Logs aggregate: one line per category with its count and first ids, whatever the VPC count.
 */
export async function applyEnrollment(
  changes: readonly Change<FlowLogStep>[],
  vpcs: readonly VpcInfo[],
  settings: DesiredFlowLog,
  ctx: PipelineContext,
): Promise<EnrollmentSummary> {
  const ids = (c: Change<FlowLogStep>) => c.action?.flowLogIds ?? [];
  const create = changes.filter((c) => c.kind === 'create').flatMap((c) => c.targets ?? []);
  const recreate = changes.filter((c) => c.kind === 'update');
  const deletes = changes.filter((c) => c.kind === 'delete');
  const remove = deletes.flatMap(ids);
  const summary: EnrollmentSummary = {
    vpcs: vpcs.length,
    created: create.length,
    recreated: recreate.length,
    deleted: remove.length,
    skipped: vpcs.filter((v) => v.skip).length,
  };
  ctx.log.info('flow log plan', {
    ...summary,
    logGroup: ctx.names.flowLogGroup,
    create: sample(create),
    recreate: sample(recreate.flatMap((c) => c.targets ?? [])),
    delete: sample(remove),
    shared: sample(vpcs.filter((v) => v.skip === 'shared').map((v) => v.vpcId)),
  });
  // An `ec2:CreateTags` of the exclusion tag turns a VPC's flow log off: every exclusion is logged, in one warning.
  const excluded = vpcs.filter((v) => v.skip === 'excluded').map((v) => v.vpcId);
  const removing = deletes.filter((c) => c.action?.why === 'excluded').flatMap(ids);
  if (excluded.length > 0)
    ctx.log.warn('VPCs excluded from flow logs by tag', { tag: `${EXCLUDE_TAG}=true`, excluded: sample(excluded), removing: sample(removing) });

  const deleted = await deleteFlowLogs([...recreate.flatMap(ids), ...remove], ctx);
  if (deleted.length > 0) ctx.log.info('deleted', { resource: 'flow logs', flowLogs: sample(deleted) });
  const outcome = await createFlowLogs([...create, ...recreate.flatMap((c) => c.targets ?? [])], settings, ctx);
  logCreated(outcome, ctx);
  return summary;
}

/**
 * Enrolls one VPC (a CreateVpc event) in at most two calls: DescribeVpcs for that VPC (it may be excluded by
 * tag, shared or gone) and CreateFlowLogs. Its flow logs need no listing: the VPC is new, and CreateFlowLogs
 * answers FlowLogAlreadyExists for one with our settings and destination (a repeated event, or a sweep first).
 * Drift and exclusions of existing VPCs stay with the scheduled sweep, the repair path.
 */
export async function enrollVpc(config: PipelineConfig, ctx: PipelineContext, vpcId: string): Promise<EnrollmentSummary> {
  const vpc = await describeVpc(vpcId, ctx);
  if (!vpc) {
    alreadyGone(ctx, `VPC ${vpcId}`);
    return { ...NOTHING_DONE };
  }
  if (vpc.skip === 'excluded') {
    ctx.log.warn('VPCs excluded from flow logs by tag', { tag: `${EXCLUDE_TAG}=true`, excluded: sample([vpcId]) });
    return { ...NOTHING_DONE, vpcs: 1, skipped: 1 };
  }
  if (vpc.skip === 'shared') {
    ctx.log.info('left alone: shared from another account', { resource: `VPC ${vpcId}` });
    return { ...NOTHING_DONE, vpcs: 1, skipped: 1 };
  }
  const outcome = await createFlowLogs([vpcId], desiredFlowLog(config), ctx);
  logCreated(outcome, ctx);
  return { ...NOTHING_DONE, vpcs: 1, created: outcome.created.length };
}

/**
 * Deletes every flow log of ours (this stack's tag) that delivers to our log group; flow logs of anyone
 * else, in our group or not, are left alone: the flow-logs component's remove.
 */
export async function removeFlowLogs(_config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  const flowLogs = await listFlowLogs(ctx);
  const theirs = flowLogs.filter((f) => !f.owned);
  if (theirs.length > 0) {
    ctx.log.warn('left in place: not ours', {
      resource: 'flow logs',
      flowLogs: sample(theirs.map((f) => f.flowLogId)),
      reason: `no ${TAG_STACK} tag of this stack`,
    });
  }
  const deleted = await deleteFlowLogs(
    flowLogs.filter((f) => f.owned).map((f) => f.flowLogId),
    ctx,
  );
  if (deleted.length > 0) ctx.log.info('deleted', { resource: 'flow logs', flowLogs: sample(deleted) });
}

function logCreated(outcome: Awaited<ReturnType<typeof createFlowLogs>>, ctx: PipelineContext): void {
  const { created, existing, gone } = outcome;
  if (created.length + existing.length + gone.length === 0) return;
  ctx.log.info('created', {
    resource: 'flow logs',
    logGroup: ctx.names.flowLogGroup,
    created: sample(created),
    alreadyExisting: sample(existing),
    vpcsGone: sample(gone),
  });
}
