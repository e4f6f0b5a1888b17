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
import { withRetries } from '../../aws/retry';
import { allPages, type Paging } from '../../aws/pages';
import { isAwsError } from '../../support/errors';
import type { DesiredFlowLog, FlowLogInfo, VpcInfo } from './flow-log-plan';
import type { PipelineContext } from '../../components/context';
import { orUndefinedWhenNotFound, ownedByThisStack, tagList, tagMap } from '../../components/ownership';

/** VPCs tagged with this key and the value `true` never get a flow log of ours. */
export const EXCLUDE_TAG = 'siem-pipeline:exclude';

/** CreateFlowLogs takes at most 300 resource ids per call (the EC2 API model's `CreateFlowLogsRequest.ResourceIds`). */
export const CREATE_BATCH = 300;

/** DeleteFlowLogs takes at most 1000 flow log ids per call. */
export const DELETE_BATCH = 1000;

/** The largest page DescribeVpcs and DescribeFlowLogs return. */
const PAGE_SIZE = 1000;

/**
 * A duplicate delivery within this window reuses the same ClientToken. The window keeps a token from being
 * replayed much later (flow logs turned off and on again), when EC2 might answer with the old, deleted ids.
 */
export const CLIENT_TOKEN_WINDOW_MS = 10 * 60 * 1000;

/** What CreateFlowLogs did, per VPC. */
export interface CreateOutcome {
  created: string[];
  /** FlowLogAlreadyExists: a flow log with these settings and destination is there already. */
  existing: string[];
  /** InvalidVpcID.NotFound: deleted since it was listed. */
  gone: string[];
}

/** One per-resource failure that EC2 reported in `Unsuccessful[]`. */
interface ItemFailure {
  id: string;
  code: string;
  message: string;
}

/** Every VPC of the region (DescribeVpcs, all pages), marked when it must be skipped. */
export async function listVpcs(ctx: PipelineContext): Promise<VpcInfo[]> {
  const describe = (paging: Paging) => ctx.clients.ec2.send(new DescribeVpcsCommand({ MaxResults: PAGE_SIZE, ...paging }));
  return allPages('NextToken', describe, (out) => out.Vpcs?.flatMap((vpc) => (vpc.VpcId ? [vpcInfo(vpc, ctx)] : [])));
}

/** One VPC by id (one DescribeVpcs call); undefined when it does not exist (any more). */
export async function describeVpc(vpcId: string, ctx: PipelineContext): Promise<VpcInfo | undefined> {
  const out = await orUndefinedWhenNotFound(() => ctx.clients.ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })), 'InvalidVpcID.NotFound');
  const vpc = out?.Vpcs?.find((v) => v.VpcId === vpcId);
  return vpc ? vpcInfo(vpc, ctx) : undefined;
}

function vpcInfo(vpc: Vpc, ctx: PipelineContext): VpcInfo {
  const vpcId = vpc.VpcId!;
  if (tagMap(vpc.Tags)[EXCLUDE_TAG]?.trim().toLowerCase() === 'true') return { vpcId, skip: 'excluded' };
  // A VPC shared with this account through RAM belongs to its owner, who decides about its flow logs.
  if (vpc.OwnerId && vpc.OwnerId !== ctx.account) return { vpcId, skip: 'shared' };
  return { vpcId };
}

/** The flow logs that deliver to our log group (DescribeFlowLogs filtered by log-group-name, all pages). */
export async function listFlowLogs(ctx: PipelineContext): Promise<FlowLogInfo[]> {
  const group = ctx.names.flowLogGroup;
  const describe = (paging: Paging) =>
    ctx.clients.ec2.send(new DescribeFlowLogsCommand({ Filter: [{ Name: 'log-group-name', Values: [group] }], MaxResults: PAGE_SIZE, ...paging }));
  return allPages('NextToken', describe, (out) =>
    out.FlowLogs?.flatMap((fl) => (fl.FlowLogId && fl.ResourceId && fl.LogGroupName === group ? [flowLogInfo(fl, ctx)] : [])),
  );
}

function flowLogInfo(fl: FlowLog, ctx: PipelineContext): FlowLogInfo {
  return {
    flowLogId: fl.FlowLogId!,
    vpcId: fl.ResourceId!,
    trafficType: fl.TrafficType ?? '',
    maxAggregationInterval: fl.MaxAggregationInterval,
    logFormat: fl.LogFormat,
    owned: ownedByThisStack(tagMap(fl.Tags), ctx),
  };
}

/** Splits ids into batches of at most `size` (CreateFlowLogs 300, DeleteFlowLogs 1000). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Idempotency token of one CreateFlowLogs call: a hash of the whole request (its VPC ids sorted) and the time
 * window, so a duplicate delivery of the same request does not create twice. At most 64 ASCII characters.
 */
export function flowLogClientToken(request: Omit<CreateFlowLogsRequest, 'ClientToken'>, nowMs: number): string {
  const material = JSON.stringify({ ...request, ResourceIds: [...(request.ResourceIds ?? [])].sort(), window: Math.floor(nowMs / CLIENT_TOKEN_WINDOW_MS) });
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

/** Creates our flow log for each VPC, in calls of at most 300; throws naming every VPC that failed. */
export async function createFlowLogs(vpcIds: readonly string[], desired: DesiredFlowLog, ctx: PipelineContext): Promise<CreateOutcome> {
  const outcome: CreateOutcome = { created: [], existing: [], gone: [] };
  const failures: ItemFailure[] = [];
  for (const ids of chunk(vpcIds, CREATE_BATCH)) failures.push(...(await createBatch(ids, desired, ctx, outcome)));
  if (failures.length > 0) throw new Error(`CreateFlowLogs failed for ${failures.length} VPC(s): ${listFailures(failures)}`);
  return outcome;
}

/**
 * One CreateFlowLogs call for up to 300 VPCs. Per-VPC results come back in `Unsuccessful[]`, not as an
 * exception: FlowLogAlreadyExists means a flow log with these settings and destination exists (done);
 * a VPC deleted meanwhile needs nothing; an unassumable role is retried for those VPCs; anything else is
 * returned as a failure.
 * A new delivery role can also make the whole call fail with InvalidParameter; that is retried too.
 */
async function createBatch(vpcIds: readonly string[], desired: DesiredFlowLog, ctx: PipelineContext, outcome: CreateOutcome): Promise<ItemFailure[]> {
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
    const refused = new Set<string>();
    for (const item of out.Unsuccessful ?? []) {
      const id = item.ResourceId ?? '(unknown resource)';
      const code = item.Error?.Code ?? 'UnknownError';
      const message = item.Error?.Message ?? '';
      refused.add(id);
      if (code === 'FlowLogAlreadyExists') outcome.existing.push(id);
      else if (code === 'InvalidVpcID.NotFound') outcome.gone.push(id);
      else if (isRoleNotAssumable(message)) waiting.push(id);
      else failures.push({ id, code, message });
    }
    outcome.created.push(...pending.filter((id) => !refused.has(id)));
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

/** Deletes flow logs in batches of 1000; one already gone (InvalidFlowLogId.NotFound) counts as deleted. Returns the ids deleted. */
export async function deleteFlowLogs(flowLogIds: readonly string[], ctx: PipelineContext): Promise<string[]> {
  const failures: ItemFailure[] = [];
  const deleted: string[] = [];
  for (const ids of chunk(flowLogIds, DELETE_BATCH)) {
    const out = await ctx.clients.ec2.send(new DeleteFlowLogsCommand({ FlowLogIds: ids }));
    const failed = new Set<string>();
    for (const item of out.Unsuccessful ?? []) {
      const id = item.ResourceId ?? '(unknown flow log)';
      const code = item.Error?.Code ?? 'UnknownError';
      if (code !== 'InvalidFlowLogId.NotFound') failures.push({ id, code, message: item.Error?.Message ?? '' });
      failed.add(id);
    }
    deleted.push(...ids.filter((id) => !failed.has(id)));
  }
  if (failures.length > 0) throw new Error(`DeleteFlowLogs failed for ${failures.length} flow log(s): ${listFailures(failures)}`);
  return deleted;
}

/** `id (Code: message)` for the first few failures, so an error Reason stays readable. */
function listFailures(failures: readonly ItemFailure[], max = 20): string {
  const shown = failures.slice(0, max).map((f) => `${f.id} (${f.code}${f.message ? `: ${f.message}` : ''})`);
  return failures.length > max ? `${shown.join(', ')} and ${failures.length - max} more` : shown.join(', ');
}
