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
import { createsTrail, eventsToStreamEnabled, logsToStreamEnabled, subscribableLogGroups } from './needs';

/**
 * The roles AWS services assume to deliver logs along the pipeline, one per hop, each trusting one service
 * on behalf of this account's sources only and allowed to write to the one next hop.
 */

const scope = (ctx: PipelineContext): SourceScope => ({ partition: ctx.partition, region: ctx.region, account: ctx.account });

/** CloudWatch Logs subscription filters -> the stream. */
export const logsRoleComponent = serviceRoleComponent({
  id: 'logs-role',
  roleName: (ctx) => ctx.names.logsRole,
  enabled: (config, ctx) => logsToStreamEnabled(config, ctx.region),
  trust: (config, ctx) =>
    logsToKinesisTrustPolicy(
      scope(ctx),
      subscribableLogGroups(config, ctx).map((g) => ctx.names.logGroupArn(g)),
    ),
  policy: (_config, ctx) => streamWriterPolicy(ctx.names.streamArn),
  description: (ctx) => `CloudWatch Logs subscription filters deliver to Kinesis stream ${ctx.names.streamName}`,
});

/** EventBridge rules (GuardDuty findings, extra sources) -> the stream. */
export const eventsRoleComponent = serviceRoleComponent({
  id: 'events-role',
  roleName: (ctx) => ctx.names.eventsRole,
  enabled: (config) => eventsToStreamEnabled(config),
  trust: (config, ctx) => eventsToKinesisTrustPolicy(scope(ctx), `${NAME_PREFIX}${config.name}-`),
  policy: (_config, ctx) => streamWriterPolicy(ctx.names.streamArn),
  description: (ctx) => `EventBridge rules deliver to Kinesis stream ${ctx.names.streamName}`,
});

/** VPC Flow Logs -> the flow-log group. */
export const flowLogsRoleComponent = serviceRoleComponent({
  id: 'flowlogs-role',
  roleName: (ctx) => ctx.names.flowLogsRole,
  enabled: (config) => config.flowLogs.enabled,
  trust: (_config, ctx) => flowLogsTrustPolicy(scope(ctx)),
  policy: (_config, ctx) => flowLogsDeliveryPolicy(ctx.names.logGroupArn(ctx.names.flowLogGroup)),
  description: (ctx) => `VPC Flow Logs deliver to log group ${ctx.names.flowLogGroup}`,
});

/** The pipeline's trail -> the trail's log group. */
export const trailRoleComponent = serviceRoleComponent({
  id: 'trail-role',
  roleName: (ctx) => ctx.names.trailRole,
  enabled: (config, ctx) => createsTrail(config, ctx.region),
  trust: () => trailTrustPolicy(),
  policy: (_config, ctx) => trailDeliveryPolicy(ctx.names.logGroupArn(ctx.names.cloudTrailLogGroup), ctx.account),
  description: (ctx) => `CloudTrail trail ${ctx.names.trailName} delivers to log group ${ctx.names.cloudTrailLogGroup}`,
});
