import { createHash } from 'node:crypto';
import {
  CreateFlowLogsCommand,
  DeleteFlowLogsCommand,
  DescribeFlowLogsCommand,
  DescribeVpcsCommand,
  type CreateFlowLogsRequest,
  type FlowLog,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { withRetries } from '../aws/retry';
import { TAG_STACK } from '../config/names';
import type { PipelineConfig } from '../config/pipeline-config';
import { isAwsError } from '../errors';
import {
  desiredFlowLog,
  planFlowLogs,
  type DesiredFlowLog,
  type FlowLogInfo,
  type FlowLogPlan,
  type VpcInfo,
} from './components/flow-log-plan';
import type { PipelineContext } from './context';
import { tagList, tagMap } from './ownership';

/** VPCs tagged with this key and the value `true` never get a flow log of ours. */
export const EXCLUDE_TAG = 'siem-pipeline:exclude';

/** CreateFlowLogs and DeleteFlowLogs take at most this many ids per call. */
export const FLOW_LOG_BATCH = 1000;

/** The largest page DescribeVpcs and DescribeFlowLogs return. */
const PAGE_SIZE = 1000;

/**
 * A duplicate delivery within this window reuses the same ClientToken. The window keeps a token from being
 * replayed much later (flow logs turned off and on again), when EC2 might answer with the old, deleted ids.
 */
export const CLIENT_TOKEN_WINDOW_MS = 10 * 60 * 1000;

/** What one sweep did, counted in VPCs (and flow logs for `deleted`). */
export interface EnrollmentSummary {
  /** VPCs in the region. */
  vpcs: number;
  created: number;
  recreated: number;
  deleted: number;
  /** VPCs excluded by tag or owned by another account. */
  skipped: number;
}

/** The region's VPCs, the flow logs in our log group, and what would change. */
export interface EnrollmentState {
  vpcs: VpcInfo[];
  flowLogs: FlowLogInfo[];
  plan: FlowLogPlan;
}

/** One per-resource failure that EC2 reported in `Unsuccessful[]`. */
interface ItemFailure {
  id: string;
  code: string;
  message: string;
}

/** Reads the region's VPCs and our flow logs and plans the sweep; writes nothing. */
export async function observeEnrollment(config: PipelineConfig, ctx: PipelineContext): Promise<EnrollmentState> {
  const [vpcs, flowLogs] = await Promise.all([listVpcs(ctx), listFlowLogs(ctx)]);
  return { vpcs, flowLogs, plan: planFlowLogs(vpcs, flowLogs, desiredFlowLog(config)) };
}

/**
 * One enrollment sweep: every eligible VPC of the region gets exactly one flow log of ours with the
 * configured settings. Shared by the flow-logs component and the enroller Lambda, so both converge alike.
 */
export async function enrollVpcs(config: PipelineConfig, ctx: PipelineContext): Promise<EnrollmentSummary> {
  const { vpcs, plan } = await observeEnrollment(config, ctx);
  const summary: EnrollmentSummary = {
    vpcs: vpcs.length,
    created: plan.create.length,
    recreated: plan.recreate.length,
    deleted: plan.delete.length,
    skipped: vpcs.filter((v) => v.skip).length,
  };
  ctx.log.info('flow log plan', { ...summary, logGroup: ctx.names.flowLogGroup });
  for (const r of plan.recreate) ctx.log.info('flow log settings changed: re-creating', { flowLogId: r.flowLogId, vpcId: r.vpcId });

  // A flow log cannot be modified: the old one goes first, then the VPC gets a new one.
  await deleteFlowLogs([...plan.recreate.map((r) => r.flowLogId), ...plan.delete], ctx);
  await createFlowLogs([...plan.create, ...plan.recreate.map((r) => r.vpcId)], desiredFlowLog(config), ctx);
  return summary;
}

/**
 * Deletes every flow log of ours (this stack's tag) that delivers to our log group; flow logs of anyone
 * else, in our group or not, are left alone. Returns how many were deleted.
 */
export async function removeFlowLogs(ctx: PipelineContext): Promise<number> {
  const flowLogs = await listFlowLogs(ctx);
  for (const fl of flowLogs.filter((f) => !f.owned)) {
    ctx.log.warn('left in place: not ours', { resource: `flow log ${fl.flowLogId}`, vpcId: fl.vpcId, reason: `no ${TAG_STACK} tag of this stack` });
  }
  const ours = flowLogs.filter((f) => f.owned).map((f) => f.flowLogId);
  await deleteFlowLogs(ours, ctx);
  return ours.length;
}

/**
 * True when the pipeline's flow-log group exists. The enroller checks it first: while the stack is being
 * created or deleted, a sweep would otherwise attach flow logs to a group that is not there (yet or any more).
 */
export async function flowLogGroupExists(ctx: PipelineContext): Promise<boolean> {
  const group = ctx.names.flowLogGroup;
  const out = await ctx.clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group, limit: 1 }));
  // Groups come back sorted by name, so the exact name is the first one with its own prefix.
  return out.logGroups?.[0]?.logGroupName === group;
}

/** Every VPC of the region (DescribeVpcs, all pages), marked when it must be skipped. */
async function listVpcs(ctx: PipelineContext): Promise<VpcInfo[]> {
  const vpcs: VpcInfo[] = [];
  let NextToken: string | undefined;
  do {
    const out = await ctx.clients.ec2.send(new DescribeVpcsCommand({ MaxResults: PAGE_SIZE, ...(NextToken ? { NextToken } : {}) }));
    for (const vpc of out.Vpcs ?? []) if (vpc.VpcId) vpcs.push(vpcInfo(vpc, ctx));
    NextToken = out.NextToken;
  } while (NextToken);
  return vpcs;
}

function vpcInfo(vpc: Vpc, ctx: PipelineContext): VpcInfo {
  const vpcId = vpc.VpcId!;
  if (tagMap(vpc.Tags)[EXCLUDE_TAG]?.trim().toLowerCase() === 'true') return { vpcId, skip: 'excluded' };
  // A VPC shared with this account through RAM belongs to its owner, who decides about its flow logs.
  if (vpc.OwnerId && vpc.OwnerId !== ctx.account) return { vpcId, skip: 'shared' };
  return { vpcId };
}

/** The flow logs that deliver to our log group (DescribeFlowLogs filtered by log-group-name, all pages). */
async function listFlowLogs(ctx: PipelineContext): Promise<FlowLogInfo[]> {
  const group = ctx.names.flowLogGroup;
  const found: FlowLogInfo[] = [];
  let NextToken: string | undefined;
  do {
    const out = await ctx.clients.ec2.send(
      new DescribeFlowLogsCommand({
        Filter: [{ Name: 'log-group-name', Values: [group] }],
        MaxResults: PAGE_SIZE,
        ...(NextToken ? { NextToken } : {}),
      }),
    );
    for (const fl of out.FlowLogs ?? []) {
      if (fl.FlowLogId && fl.ResourceId && fl.LogGroupName === group) found.push(flowLogInfo(fl, ctx));
    }
    NextToken = out.NextToken;
  } while (NextToken);
  return found;
}

function flowLogInfo(fl: FlowLog, ctx: PipelineContext): FlowLogInfo {
  return {
    flowLogId: fl.FlowLogId!,
    vpcId: fl.ResourceId!,
    trafficType: fl.TrafficType ?? '',
    ...(fl.MaxAggregationInterval !== undefined ? { maxAggregationInterval: fl.MaxAggregationInterval } : {}),
    ...(fl.LogFormat !== undefined ? { logFormat: fl.LogFormat } : {}),
    owned: tagMap(fl.Tags)[TAG_STACK] === ctx.stackId,
  };
}

/** Splits ids into CreateFlowLogs / DeleteFlowLogs sized batches. */
export function chunk<T>(items: readonly T[], size = FLOW_LOG_BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Idempotency token of one CreateFlowLogs call: a hash of the VPC ids, the settings and the time window,
 * so a duplicate delivery of the same request does not create twice. At most 64 ASCII characters.
 */
export function flowLogClientToken(request: Omit<CreateFlowLogsRequest, 'ClientToken'>, nowMs: number): string {
  const { ResourceIds = [], TrafficType, MaxAggregationInterval, LogFormat, LogGroupName, DeliverLogsPermissionArn } = request;
  const material = JSON.stringify({
    ids: [...ResourceIds].sort(),
    TrafficType,
    MaxAggregationInterval,
    LogFormat: LogFormat ?? null,
    LogGroupName,
    DeliverLogsPermissionArn,
    window: Math.floor(nowMs / CLIENT_TOKEN_WINDOW_MS),
  });
  return createHash('sha256').update(material).digest('hex');
}

/** "Unable to assume given IAM role": the delivery role is new and IAM has not propagated it yet. */
export function isRoleNotAssumable(message: string | undefined): boolean {
  return /unable to assume (the )?given iam role/i.test(message ?? '');
}

/** Some VPCs were refused only because the delivery role cannot be assumed yet; retried. */
class RoleNotReadyError extends Error {
  override readonly name = 'RoleNotReadyError';
  constructor(readonly vpcIds: readonly string[]) {
    super(`the flow log delivery role cannot be assumed yet for ${vpcIds.length} VPC(s)`);
  }
}

async function createFlowLogs(vpcIds: readonly string[], desired: DesiredFlowLog, ctx: PipelineContext): Promise<void> {
  const failures: ItemFailure[] = [];
  for (const ids of chunk(vpcIds)) {
    const failed = await createBatch(ids, desired, ctx);
    failures.push(...failed);
    const made = ids.length - failed.length;
    if (made > 0) ctx.log.info('created', { resource: `flow logs for ${made} VPC(s)`, logGroup: ctx.names.flowLogGroup, vpcIds: ids.filter((id) => !failed.some((f) => f.id === id)) });
  }
  if (failures.length > 0) throw new Error(`CreateFlowLogs failed for ${failures.length} VPC(s): ${listFailures(failures)}`);
}

/**
 * One CreateFlowLogs call for up to 1000 VPCs. Per-VPC results come back in `Unsuccessful[]`, not as an
 * exception: FlowLogAlreadyExists means a flow log with these settings and destination exists (done);
 * a VPC deleted meanwhile needs nothing; an unassumable role is retried for those VPCs; anything else is
 * returned as a failure.
 * A new delivery role can also make the whole call fail with InvalidParameter; that is retried too.
 */
async function createBatch(vpcIds: readonly string[], desired: DesiredFlowLog, ctx: PipelineContext): Promise<ItemFailure[]> {
  const failures: ItemFailure[] = [];
  let pending = [...vpcIds];
  const attempt = async () => {
    const request = {
      ResourceIds: pending,
      ResourceType: 'VPC' as const,
      TrafficType: desired.trafficType,
      LogDestinationType: 'cloud-watch-logs' as const,
      LogGroupName: ctx.names.flowLogGroup,
      DeliverLogsPermissionArn: ctx.names.roleArn(ctx.names.flowLogsRole),
      MaxAggregationInterval: desired.maxAggregationInterval,
      ...(desired.logFormat ? { LogFormat: desired.logFormat } : {}),
      TagSpecifications: [{ ResourceType: 'vpc-flow-log' as const, Tags: tagList(ctx.tags) }],
    };
    const out = await ctx.clients.ec2.send(new CreateFlowLogsCommand({ ...request, ClientToken: flowLogClientToken(request, ctx.clock.now()) }));
    const waiting: string[] = [];
    for (const item of out.Unsuccessful ?? []) {
      const id = item.ResourceId ?? '(unknown resource)';
      const code = item.Error?.Code ?? 'UnknownError';
      const message = item.Error?.Message ?? '';
      if (code === 'FlowLogAlreadyExists') {
        ctx.log.info('already exists', { resource: `flow log of ${id}`, logGroup: ctx.names.flowLogGroup });
      } else if (code === 'InvalidVpcID.NotFound') {
        // Deleted since DescribeVpcs: nothing left to enroll.
        ctx.log.info('already gone', { resource: `VPC ${id}` });
      } else if (isRoleNotAssumable(message)) {
        waiting.push(id);
      } else {
        failures.push({ id, code, message });
      }
    }
    pending = waiting;
    if (waiting.length > 0) throw new RoleNotReadyError(waiting);
  };
  const retryable = (err: unknown) => err instanceof RoleNotReadyError || (isAwsError(err, 'InvalidParameter') && isRoleNotAssumable((err as Error).message));
  try {
    await withRetries(attempt, retryable, {
      ...ctx.propagationRetry,
      clock: ctx.clock,
      onRetry: (err, retry, delayMs) =>
        ctx.log.info('flow log delivery role not assumable yet; retrying', { vpcs: pending.length, retry, delayMs, error: (err as Error).message }),
    });
  } catch (err) {
    if (!(err instanceof RoleNotReadyError)) throw err;
    failures.push(...err.vpcIds.map((id) => ({ id, code: 'RoleNotAssumable', message: 'the delivery role could still not be assumed' })));
  }
  return failures;
}

/** Deletes flow logs in batches of 1000; one already gone (InvalidFlowLogId.NotFound) counts as deleted. */
async function deleteFlowLogs(flowLogIds: readonly string[], ctx: PipelineContext): Promise<void> {
  const failures: ItemFailure[] = [];
  for (const ids of chunk(flowLogIds)) {
    const out = await ctx.clients.ec2.send(new DeleteFlowLogsCommand({ FlowLogIds: ids }));
    const failed = new Set<string>();
    for (const item of out.Unsuccessful ?? []) {
      const id = item.ResourceId ?? '(unknown flow log)';
      const code = item.Error?.Code ?? 'UnknownError';
      if (code === 'InvalidFlowLogId.NotFound') {
        ctx.log.info('already gone', { resource: `flow log ${id}` });
      } else {
        failures.push({ id, code, message: item.Error?.Message ?? '' });
      }
      failed.add(id);
    }
    const deleted = ids.filter((id) => !failed.has(id));
    if (deleted.length > 0) ctx.log.info('deleted', { resource: `${deleted.length} flow log(s)`, flowLogIds: deleted });
  }
  if (failures.length > 0) throw new Error(`DeleteFlowLogs failed for ${failures.length} flow log(s): ${listFailures(failures)}`);
}

/** `id (Code: message)` for the first few failures, so an error Reason stays readable. */
function listFailures(failures: readonly ItemFailure[], max = 20): string {
  const shown = failures.slice(0, max).map((f) => `${f.id} (${f.code}${f.message ? `: ${f.message}` : ''})`);
  return failures.length > max ? `${shown.join(', ')} and ${failures.length - max} more` : shown.join(', ');
}
