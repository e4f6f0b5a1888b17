import type { FlowLogTrafficType, PipelineConfig } from '../../config/pipeline-config';

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

/** What one sweep changes. Deletes run first, then creates (new VPCs and re-created flow logs). */
export interface FlowLogPlan {
  /** VPCs that get a new flow log. */
  create: string[];
  /** Our flow logs whose settings differ: deleted, then created again for the same VPC. */
  recreate: { flowLogId: string; vpcId: string }[];
  /** Our flow logs on excluded, shared or vanished VPCs, and duplicates. */
  delete: string[];
}

/** One flow log setting that differs from the config. */
export interface FlowLogDifference {
  setting: 'trafficType' | 'maxAggregationInterval' | 'logFormat';
  current: string | number;
  desired: string | number;
}

export function desiredFlowLog(config: PipelineConfig): DesiredFlowLog {
  const { trafficType, maxAggregationInterval, logFormat } = config.flowLogs;
  return { trafficType, maxAggregationInterval, ...(logFormat ? { logFormat } : {}) };
}

/** A format as AWS compares it: trimmed, single spaces; none means the default format. */
export const normalizeFormat = (format: string | undefined): string => (format?.trim() ? format.trim().replace(/\s+/g, ' ') : DEFAULT_FLOW_LOG_FORMAT);

/** The settings of one flow log that differ from the desired ones (a flow log cannot be modified, only re-created). */
export function flowLogDifferences(current: FlowLogInfo, desired: DesiredFlowLog): FlowLogDifference[] {
  const diffs: FlowLogDifference[] = [];
  if (current.trafficType !== desired.trafficType) {
    diffs.push({ setting: 'trafficType', current: current.trafficType, desired: desired.trafficType });
  }
  const interval = current.maxAggregationInterval ?? DEFAULT_AGGREGATION_INTERVAL;
  if (interval !== desired.maxAggregationInterval) {
    diffs.push({ setting: 'maxAggregationInterval', current: interval, desired: desired.maxAggregationInterval });
  }
  const format = normalizeFormat(current.logFormat);
  const wanted = normalizeFormat(desired.logFormat);
  if (format !== wanted) diffs.push({ setting: 'logFormat', current: format, desired: wanted });
  return diffs;
}

/**
 * Pure planning: the changes that give every eligible VPC exactly one flow log of ours with the desired
 * settings, and no other VPC any.
 *
 * - An eligible VPC with no matching flow log in our log group gets one (`create`).
 * - Our flow log with other settings is re-created; when a VPC has several of ours, the first matching one
 *   (by id) is kept and the others are deleted.
 * - Our flow logs on skipped or vanished VPCs are deleted.
 * - Flow logs not tagged as ours are never deleted or re-created; one in our log group with the desired
 *   settings counts as coverage, since AWS refuses a second one with the same settings and destination.
 */
export function planFlowLogs(vpcs: readonly VpcInfo[], existing: readonly FlowLogInfo[], desired: DesiredFlowLog): FlowLogPlan {
  const plan: FlowLogPlan = { create: [], recreate: [], delete: [] };
  const byVpc = new Map<string, FlowLogInfo[]>();
  for (const fl of [...existing].sort((a, b) => a.flowLogId.localeCompare(b.flowLogId))) {
    byVpc.set(fl.vpcId, [...(byVpc.get(fl.vpcId) ?? []), fl]);
  }
  const eligible = new Set(vpcs.filter((v) => !v.skip).map((v) => v.vpcId));

  for (const vpc of vpcs) {
    if (vpc.skip) continue;
    const logs = byVpc.get(vpc.vpcId) ?? [];
    const ours = logs.filter((fl) => fl.owned);
    const matches = (fl: FlowLogInfo) => flowLogDifferences(fl, desired).length === 0;
    const keep = ours.find(matches);
    if (keep) {
      plan.delete.push(...ours.filter((fl) => fl !== keep).map((fl) => fl.flowLogId));
    } else if (ours.length > 0) {
      plan.recreate.push({ flowLogId: ours[0]!.flowLogId, vpcId: vpc.vpcId });
      plan.delete.push(...ours.slice(1).map((fl) => fl.flowLogId));
    } else if (!logs.some(matches)) {
      plan.create.push(vpc.vpcId);
    }
  }
  for (const [vpcId, logs] of byVpc) {
    if (!eligible.has(vpcId)) plan.delete.push(...logs.filter((fl) => fl.owned).map((fl) => fl.flowLogId));
  }
  return plan;
}

/** True when the plan changes nothing. */
export function isEmptyPlan(plan: FlowLogPlan): boolean {
  return plan.create.length === 0 && plan.recreate.length === 0 && plan.delete.length === 0;
}
