import type { PipelineConfig } from '../../config/pipeline-config';
import type { Component, ComponentOutputs, ComponentStatus } from '../component';
import type { PipelineContext } from '../context';
import { enrollVpcs, observeEnrollment, removeFlowLogs } from '../vpc-enrollment';
import { desiredFlowLog, flowLogDifferences, isEmptyPlan } from './flow-log-plan';

/**
 * VPC flow logs for every VPC of the region, delivered to the pipeline's flow-log group.
 * Ensure runs one enrollment sweep (the enroller Lambda runs the same one on a schedule and on CreateVpc);
 * remove deletes only our flow logs in our log group.
 */
export const flowLogsComponent: Component = {
  id: 'flow-logs',
  dependsOn: ['flow-log-group', 'flowlogs-role'],
  enabled: (config) => config.flowLogs.enabled,
  ensure: ensureFlowLogs,
  remove: async (_config, ctx) => {
    await removeFlowLogs(ctx);
  },
  inspect: inspectFlowLogs,
};

async function ensureFlowLogs(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentOutputs> {
  await enrollVpcs(config, ctx);
  return {};
}

async function inspectFlowLogs(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentStatus> {
  const { vpcs, flowLogs, plan } = await observeEnrollment(config, ctx);
  const owned = flowLogs.filter((fl) => fl.owned);
  if (owned.length === 0) return { state: 'absent', details: { missing: plan.create } };
  const desired = desiredFlowLog(config);
  const pending = new Set([...plan.create, ...plan.recreate.map((r) => r.vpcId)]);
  const details = {
    covered: vpcs.filter((v) => !v.skip && !pending.has(v.vpcId)).map((v) => v.vpcId),
    missing: plan.create,
    drifted: plan.recreate.map((r) => ({
      ...r,
      differences: flowLogDifferences(owned.find((fl) => fl.flowLogId === r.flowLogId)!, desired),
    })),
    orphaned: plan.delete,
    skipped: vpcs.filter((v) => v.skip).map((v) => ({ vpcId: v.vpcId, reason: v.skip })),
  };
  return { state: isEmptyPlan(plan) ? 'present' : 'drifted', details };
}
