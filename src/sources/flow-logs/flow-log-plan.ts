import type { PipelineConfig } from '../../config/pipeline-config';
import type { FlowLogTrafficType } from './parameters';
import type { Change, FieldChange } from '../../components/component';

/** The format AWS uses when CreateFlowLogs gets no LogFormat: the 14 version-2 fields. */
export const DEFAULT_FLOW_LOG_FORMAT =
  '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}';

/** AWS's aggregation interval when none was given, in seconds. */
export const DEFAULT_AGGREGATION_INTERVAL = 600;

/** Why a VPC of the region gets no flow log of ours. */
export type VpcSkipReason = 'excluded' | 'shared';

/** A VPC of the region as the sweep saw it. */
export interface VpcInfo {
  vpcId: string;
  /** Set when the VPC must not carry our flow log: tagged `siem-pipeline:exclude=true`, or owned by another account. */
  skip?: VpcSkipReason;
}

/** A flow log that delivers to the pipeline's log group. */
export interface FlowLogInfo {
  flowLogId: string;
  vpcId: string;
  trafficType: string;
  maxAggregationInterval?: number;
  logFormat?: string;
  /** Carries this stack's tag: only these are ever deleted or re-created. */
  owned: boolean;
}

/** The flow log settings the config asks for. */
export interface DesiredFlowLog {
  trafficType: FlowLogTrafficType;
  maxAggregationInterval: 60 | 600;
  /** Undefined: the AWS default format. */
  logFormat?: string;
}

export function desiredFlowLog(config: PipelineConfig): DesiredFlowLog {
  const { trafficType, maxAggregationInterval, logFormat } = config.flowLogs;
  return { trafficType, maxAggregationInterval, ...(logFormat ? { logFormat } : {}) };
}

/** A format as AWS compares it: trimmed, single spaces; none means the default format. */
export const normalizeFormat = (format: string | undefined): string => (format?.trim() ? format.trim().replace(/\s+/g, ' ') : DEFAULT_FLOW_LOG_FORMAT);

/** The settings of one flow log that differ from the desired ones (a flow log cannot be modified, only re-created). */
export function flowLogDifferences(current: FlowLogInfo, desired: DesiredFlowLog): FieldChange[] {
  const diffs: FieldChange[] = [];
  const differ = (field: string, from: unknown, to: unknown) => from !== to && diffs.push({ field, from, to });
  differ('trafficType', current.trafficType, desired.trafficType);
  differ('maxAggregationInterval', current.maxAggregationInterval ?? DEFAULT_AGGREGATION_INTERVAL, desired.maxAggregationInterval);
  differ('logFormat', normalizeFormat(current.logFormat), normalizeFormat(desired.logFormat));
  return diffs;
}

/** What read found: the region's VPCs and the flow logs in our log group; ensure reads them itself (see flow-logs.ts). */
export type FlowLogsFound = { read: false } | { read: true; vpcs: VpcInfo[]; flowLogs: FlowLogInfo[] };

/** The flow logs the config asks for: whether any, and their settings. */
export interface FlowLogsWanted {
  enabled: boolean;
  settings: DesiredFlowLog;
}

/**
 * Why a change names its VPCs (`targets`), and the flow logs it is about: deleted first (an update re-creates,
 * a delete removes), kept (`covered`) or left alone (`theirs`).
 */
export interface FlowLogStep {
  why: 'sweep' | 'new' | 'settings' | 'covered' | 'theirs' | 'unwanted' | 'gone' | 'duplicate' | VpcSkipReason;
  flowLogIds?: string[];
}

const RESOURCE = 'VPC flow logs';

/**
 * Pure: the changes that give every eligible VPC exactly one flow log of ours with the desired settings, and no
 * other VPC any; each names its VPCs (`targets`). Unread (ensure reads in apply): one sweep.
 *
 * - An eligible VPC with no matching flow log in our log group gets one (one `create` for all of them).
 * - Our flow log with other settings is re-created (`update`: delete, then create; a flow log cannot be modified);
 *   when a VPC has several of ours, the first matching one (by id) is kept and the others are deleted.
 * - Our flow logs on excluded, shared or vanished VPCs are deleted (a `delete` per VPC, saying why); all of them
 *   when the config turns flow logs off.
 * - Flow logs not tagged as ours are never deleted or re-created; one in our log group with the desired
 *   settings counts as coverage, since AWS refuses a second one with the same settings and destination.
 * - `none`, for inspect and plan (the Lambda bundles leave it out): the VPCs covered, excluded or shared, and
 *   the flow logs of others left alone.
 */
export function diffFlowLogs(found: FlowLogsFound, wanted: FlowLogsWanted): Change<FlowLogStep>[] {
  if (!found.read) return [{ kind: 'update', resource: RESOURCE, description: 'enroll every VPC', fields: [], action: { why: 'sweep' } }];
  // Turned off, the component is removed, never ensured (nor swept): only inspect and plan diff it then.
  if (!process.env.SIEM_LAMBDA_BUNDLE && !wanted.enabled)
    return deletes(
      found.flowLogs.filter((fl) => fl.owned),
      'unwanted',
    );
  const byVpc = new Map<string, FlowLogInfo[]>();
  for (const fl of [...found.flowLogs].sort((a, b) => a.flowLogId.localeCompare(b.flowLogId))) byVpc.set(fl.vpcId, [...(byVpc.get(fl.vpcId) ?? []), fl]);
  const matches = (fl: FlowLogInfo) => flowLogDifferences(fl, wanted.settings).length === 0;
  const create: string[] = [];
  const changes: Change<FlowLogStep>[] = [];
  const drop = (why: FlowLogStep['why'], logs: readonly FlowLogInfo[]) => changes.push(...deletes(logs, why));
  for (const { vpcId, skip } of found.vpcs) {
    const logs = byVpc.get(vpcId) ?? [];
    byVpc.delete(vpcId);
    const ours = logs.filter((fl) => fl.owned);
    const match = ours.find(matches);
    const keep = match ?? ours[0];
    if (skip) drop(skip, ours);
    else if (keep) {
      if (!match) {
        const { flowLogId } = keep;
        const fields = flowLogDifferences(keep, wanted.settings);
        changes.push({
          kind: 'update',
          resource: RESOURCE,
          description: `re-create ${flowLogId}`,
          fields,
          targets: [vpcId],
          action: { why: 'settings', flowLogIds: [flowLogId] },
        });
      }
      drop(
        'duplicate',
        ours.filter((fl) => fl !== keep),
      );
    } else if (!logs.some(matches)) create.push(vpcId);
  }
  for (const logs of byVpc.values())
    drop(
      'gone',
      logs.filter((fl) => fl.owned),
    );
  if (create.length > 0) changes.unshift({ kind: 'create', resource: RESOURCE, description: 'create', targets: create, action: { why: 'new' } });
  return process.env.SIEM_LAMBDA_BUNDLE ? changes : [...changes, ...unchanged(found, changes)];
}

/** One delete of the flow logs of ours `logs`, for one reason, naming their VPCs; none when there are none. */
function deletes(logs: readonly FlowLogInfo[], why: FlowLogStep['why']): Change<FlowLogStep>[] {
  const flowLogIds = logs.map((fl) => fl.flowLogId);
  const targets = [...new Set(logs.map((fl) => fl.vpcId))];
  return logs.length > 0
    ? [{ kind: 'delete', resource: RESOURCE, description: `delete ${flowLogIds.join(', ')} (${why})`, targets, action: { why, flowLogIds } }]
    : [];
}

/** The `none` changes, for inspect and plan: the VPCs covered, excluded or shared, and the flow logs of others left alone. */
function unchanged({ vpcs, flowLogs }: FlowLogsFound & { read: true }, changes: readonly Change<FlowLogStep>[]): Change<FlowLogStep>[] {
  const pending = new Set(changes.flatMap((c) => (c.kind === 'delete' ? [] : (c.targets ?? []))));
  const changed = new Set(changes.flatMap((c) => c.action?.flowLogIds ?? []));
  const theirs = flowLogs.filter((fl) => !fl.owned);
  const skipped = (skip: VpcSkipReason) => vpcs.filter((v) => v.skip === skip).map((v) => v.vpcId);
  // Left alone is not ours: another resource than ours, so a plan that creates ours beside them still creates the component.
  const none: [string, string, string[], FlowLogStep][] = [
    [
      RESOURCE,
      'covered',
      vpcs.filter((v) => !v.skip && !pending.has(v.vpcId)).map((v) => v.vpcId),
      { why: 'covered', flowLogIds: flowLogs.filter((fl) => fl.owned && !changed.has(fl.flowLogId)).map((fl) => fl.flowLogId) },
    ],
    ['VPCs excluded by tag', 'left alone', skipped('excluded'), { why: 'excluded' }],
    ['VPCs shared from another account', 'left alone', skipped('shared'), { why: 'shared' }],
    [
      'flow logs in our log group not made by this stack',
      'left alone',
      [...new Set(theirs.map((fl) => fl.vpcId))],
      { why: 'theirs', flowLogIds: theirs.map((fl) => fl.flowLogId) },
    ],
  ];
  return none
    .filter(([, , targets]) => targets.length > 0)
    .map(([resource, description, targets, action]) => ({ kind: 'none', resource, description, targets, action }));
}
