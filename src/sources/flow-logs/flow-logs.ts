import type { PipelineConfig } from '../../config/pipeline-config';
import { defineComponent, notInLambda, type Change, type Component, type ComponentOutputs, type ComponentStatus } from '../../components/component';
import type { PipelineContext } from '../../components/context';
import { recordSettings } from './settings-record';
import { enrollVpcs, readFlowLogs, removeFlowLogs } from './vpc-enrollment';
import { desiredFlowLog, diffFlowLogs, type FlowLogsFound, type FlowLogsWanted, type FlowLogStep } from './flow-log-plan';

/**
 * VPC flow logs for every VPC of the region, delivered to the pipeline's flow-log group.
 * Ensure records the settings on the flow-log group (the one source of truth the enroller checks before it
 * writes) before it reads the VPCs, so its read is the sweep's own (the enroller Lambda runs the same sweep on a
 * schedule); inspect and plan read them with the same diff. Remove deletes only our flow logs in our log group.
 */
export const flowLogsComponent: Component = defineComponent(
  {
    id: 'flow-logs',
    dependsOn: ['flow-log-group', 'flowlogs-role'],
    enabled: (config) => config.flowLogs.enabled,
    remove: removeFlowLogs,
  },
  {
    read: async (_config, ctx, purpose): Promise<FlowLogsFound> => (purpose === 'ensure' ? { read: false } : readFlowLogs(ctx)),
    desired: (config): FlowLogsWanted => ({ enabled: config.flowLogs.enabled, settings: desiredFlowLog(config) }),
    diff: diffFlowLogs,
    apply: applyFlowLogs,
    status: process.env.SIEM_LAMBDA_BUNDLE ? notInLambda : flowLogStatus,
  },
);

async function applyFlowLogs(_changes: unknown, config: PipelineConfig, ctx: PipelineContext): Promise<ComponentOutputs> {
  // Recorded first: from here on an enroller still running with the old settings writes nothing.
  await recordSettings(desiredFlowLog(config), ctx);
  await enrollVpcs(config, ctx);
  return {};
}

/**
 * Inspect's view of the flow-log changes, per VPC: absent while no flow log of ours exists; else present, or
 * drifted with the VPCs missing one, ours to re-create (with the settings that differ) and ours to delete.
 */
export function flowLogStatus(changes: readonly Change<FlowLogStep>[]): ComponentStatus {
  const of = (kind: Change['kind'], ...why: FlowLogStep['why'][]) => changes.filter((c) => c.kind === kind && why.includes(c.action!.why));
  const vpcs = (kind: Change['kind'], ...why: FlowLogStep['why'][]) => of(kind, ...why).flatMap((c) => c.targets ?? []);
  const ids = (kind: Change['kind'], ...why: FlowLogStep['why'][]) => of(kind, ...why).flatMap((c) => c.action?.flowLogIds ?? []);
  const missing = vpcs('create', 'new');
  // Excluded by the tag siem-pipeline:exclude=true: the audit reports them as their own finding.
  const excluded = vpcs('none', 'excluded');
  const orphaned = ids('delete', 'excluded', 'shared', 'gone', 'duplicate');
  const drifted = of('update', 'settings').map((c) => ({
    flowLogId: c.action!.flowLogIds![0],
    vpcId: c.targets![0],
    differences: c.kind === 'update' ? c.fields.map((f) => ({ setting: f.field, current: f.from, desired: f.to })) : [],
  }));
  if (ids('delete', 'unwanted').length > 0) return { state: 'present' };
  if (ids('none', 'covered').length + drifted.length + orphaned.length === 0) return { state: 'absent', details: { missing, excluded } };
  const details = {
    covered: vpcs('none', 'covered'),
    missing,
    drifted,
    orphaned,
    skipped: of('none', 'excluded', 'shared').flatMap((c) => (c.targets ?? []).map((vpcId) => ({ vpcId, reason: c.action!.why }))),
    excluded,
  };
  return { state: missing.length + drifted.length + orphaned.length === 0 ? 'present' : 'drifted', details };
}
