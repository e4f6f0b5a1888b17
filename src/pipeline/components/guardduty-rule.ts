import type { PipelineConfig } from '../../config/pipeline-config';
import { notInLambda, type Component, type ComponentOutputs, type ComponentStatus } from '../component';
import type { PipelineContext } from '../context';
import { ensureStreamRule, inspectStreamRule, removeStreamRule, type StreamRuleSpec } from './event-rule';

/** GuardDuty publishes every finding (and each repeat, per its publishing frequency) with this source and detail-type. */
export const GUARDDUTY_PATTERN = { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'] };

/**
 * The EventBridge rule that sends GuardDuty findings to the stream. It works with an adopted detector as
 * well as with one we created, and costs nothing while no detector exists.
 */
export const guardDutyRuleComponent: Component = {
  id: 'guardduty-rule',
  dependsOn: ['stream', 'events-role'],
  enabled: (config) => config.guardDuty.enabled,
  ensure: async (_config: PipelineConfig, ctx: PipelineContext): Promise<ComponentOutputs> => {
    await ensureStreamRule(guardDutyRule(ctx), ctx);
    return {};
  },
  remove: (_config: PipelineConfig, ctx: PipelineContext): Promise<void> => removeStreamRule(ctx.names.guardDutyRule, ctx),
  inspect: process.env.SIEM_LAMBDA_BUNDLE
    ? notInLambda
    : (_config: PipelineConfig, ctx: PipelineContext): Promise<ComponentStatus> => inspectStreamRule(guardDutyRule(ctx), ctx),
};

function guardDutyRule(ctx: PipelineContext): StreamRuleSpec {
  return {
    name: ctx.names.guardDutyRule,
    pattern: GUARDDUTY_PATTERN,
    description: `GuardDuty findings to Kinesis stream ${ctx.names.streamName} (siem-pipeline)`,
  };
}
