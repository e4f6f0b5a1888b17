import type { Component } from '../../components/component';
import type { PipelineContext } from '../../components/context';
import { streamRuleComponent, type StreamRuleSpec } from '../../components/events/event-rule';

/** GuardDuty publishes every finding (and each repeat, per its publishing frequency) with this source and detail-type. */
export const GUARDDUTY_PATTERN = { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'] };

/**
 * The EventBridge rule that sends GuardDuty findings to the stream. It works with an adopted detector as
 * well as with one we created, and costs nothing while no detector exists.
 */
export const guardDutyRuleComponent: Component = streamRuleComponent(
  { id: 'guardduty-rule', dependsOn: ['stream', 'events-role'], enabled: (config) => config.guardDuty.enabled },
  guardDutyRule,
);

function guardDutyRule(ctx: PipelineContext): StreamRuleSpec {
  return {
    name: ctx.names.guardDutyRule,
    pattern: GUARDDUTY_PATTERN,
    description: `GuardDuty findings to Kinesis stream ${ctx.names.streamName} (siem-pipeline)`,
  };
}
