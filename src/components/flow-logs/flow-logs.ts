import type { PipelineConfig } from '../../config/pipeline-config';
import { notInLambda, type Component, type ComponentOutputs, type ComponentStatus } from '../component';
import type { PipelineContext } from '../context';
import { recordSettings } from './settings-record';
import { enrollVpcs, observeEnrollment, removeFlowLogs } from './vpc-enrollment';
import { desiredFlowLog, flowLogDifferences, isEmptyPlan } from './flow-log-plan';

/**
 * VPC flow logs for every VPC of the region, delivered to the pipeline's flow-log group.
 * Ensure records the settings on the flow-log group (the one source of truth the enroller checks before it
 * writes), then runs one enrollment sweep (the enroller Lambda runs the same one on a schedule);
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
  inspect: process.env.SIEM_LAMBDA_BUNDLE ? notInLambda : inspectFlowLogs,
};

async function ensureFlowLogs(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentOutputs> {
  // Recorded first: from here on an enroller still running with the old settings writes nothing.
  await recordSettings(desiredFlowLog(config), ctx);
  await enrollVpcs(config, ctx);
  return {};
}

async function inspectFlowLogs(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentStatus> {
  const { vpcs, flowLogs, plan } = await observeEnrollment(config, ctx);
  const owned = flowLogs.filter((fl) => fl.owned);
  // Excluded by the tag siem-pipeline:exclude=true: the audit reports them as their own finding.
  const excluded = vpcs.filter((v) => v.skip === 'excluded').map((v) => v.vpcId);
  if (owned.length === 0) return { state: 'absent', details: { missing: plan.create, excluded } };
  const desired = desiredFlowLog(config);
  const pending = new Set([...plan.create, ...plan.recreate.map((r) => r.vpcId)]);
  const byId = new Map(owned.map((fl) => [fl.flowLogId, fl]));
  const details = {
    covered: vpcs.filter((v) => !v.skip && !pending.has(v.vpcId)).map((v) => v.vpcId),
    missing: plan.create,
    drifted: plan.recreate.map((r) => ({
      ...r,
      differences: flowLogDifferences(byId.get(r.flowLogId)!, desired),
    })),
    orphaned: plan.delete,
    skipped: vpcs.filter((v) => v.skip).map((v) => ({ vpcId: v.vpcId, reason: v.skip })),
    excluded,
  };
  return { state: isEmptyPlan(plan) ? 'present' : 'drifted', details };
}
