import { NAME_PREFIX } from '../config/names';
import type { PipelineContext } from '../components/context';
import {
  eventsToKinesisTrustPolicy,
  flowLogsDeliveryPolicy,
  flowLogsTrustPolicy,
  logsToKinesisTrustPolicy,
  streamWriterPolicy,
  trailDeliveryPolicy,
  trailTrustPolicy,
  type SourceScope,
} from '../components/policies';
import { serviceRoleComponent } from '../components/iam/service-role';
import type { Component } from '../components/component';
import type { PipelineConfig } from '../config/pipeline-config';
import { sharedComponentNeeded } from './enabling';
import { subscribableLogGroups } from './needs';
import { PARAMETER_MODULES } from './parameters';
import type { ModuleParameters } from './types';

/**
 * The roles AWS services assume to deliver logs along the pipeline, one per hop, each trusting one service
 * on behalf of this account's sources only and allowed to write to the one next hop. Each is switched on when
 * some module of `modules` needs it (no list of sources of its own), and the logs role trusts exactly the log
 * groups those modules name: the registry builds them for its modules (componentsOf).
 */
export function deliveryRoles(modules: readonly ModuleParameters[]): Component[] {
  const neededBy = (id: string) => (config: PipelineConfig, ctx: PipelineContext) => sharedComponentNeeded(modules, id, config, ctx.region);
  return [
    // CloudWatch Logs subscription filters -> the stream.
    serviceRoleComponent({
      id: 'logs-role',
      roleName: (ctx) => ctx.names.logsRole,
      enabled: neededBy('logs-role'),
      trust: (config, ctx) =>
        logsToKinesisTrustPolicy(
          scope(ctx),
          subscribableLogGroups(config, ctx, modules).map((g) => ctx.names.logGroupArn(g)),
        ),
      policy: (_config, ctx) => streamWriterPolicy(ctx.names.streamArn),
      description: (ctx) => `CloudWatch Logs subscription filters deliver to Kinesis stream ${ctx.names.streamName}`,
    }),
    // EventBridge rules (GuardDuty findings, extra sources) -> the stream.
    serviceRoleComponent({
      id: 'events-role',
      roleName: (ctx) => ctx.names.eventsRole,
      enabled: neededBy('events-role'),
      trust: (config, ctx) => eventsToKinesisTrustPolicy(scope(ctx), `${NAME_PREFIX}${config.name}-`),
      policy: (_config, ctx) => streamWriterPolicy(ctx.names.streamArn),
      description: (ctx) => `EventBridge rules deliver to Kinesis stream ${ctx.names.streamName}`,
    }),
    // VPC Flow Logs -> the flow-log group.
    serviceRoleComponent({
      id: 'flowlogs-role',
      roleName: (ctx) => ctx.names.flowLogsRole,
      enabled: neededBy('flowlogs-role'),
      trust: (_config, ctx) => flowLogsTrustPolicy(scope(ctx)),
      policy: (_config, ctx) => flowLogsDeliveryPolicy(ctx.names.logGroupArn(ctx.names.flowLogGroup)),
      description: (ctx) => `VPC Flow Logs deliver to log group ${ctx.names.flowLogGroup}`,
    }),
    // The pipeline's trail -> the trail's log group.
    serviceRoleComponent({
      id: 'trail-role',
      roleName: (ctx) => ctx.names.trailRole,
      enabled: neededBy('trail-role'),
      trust: () => trailTrustPolicy(),
      policy: (_config, ctx) => trailDeliveryPolicy(ctx.names.logGroupArn(ctx.names.cloudTrailLogGroup), ctx.account),
      description: (ctx) => `CloudTrail trail ${ctx.names.trailName} delivers to log group ${ctx.names.cloudTrailLogGroup}`,
    }),
  ];
}

const scope = (ctx: PipelineContext): SourceScope => ({ partition: ctx.partition, region: ctx.region, account: ctx.account });

/** The delivery roles of the pipeline's registry. */
export const [logsRoleComponent, eventsRoleComponent, flowLogsRoleComponent, trailRoleComponent] = deliveryRoles(PARAMETER_MODULES) as [
  Component,
  Component,
  Component,
  Component,
];
