import type { Component } from '../../components/component';
import { logGroupComponent } from '../../components/logs/log-group';
import { flowLogFilterPattern } from './flow-log-pattern';

/** The VPC Flow Logs group; its filter drops NODATA/SKIPDATA records unless FlowLogDropNoData is off. */
export const flowLogGroupComponent: Component = logGroupComponent({
  id: 'flow-log-group',
  dependsOn: ['stream', 'logs-role'],
  enabled: (config) => config.flowLogs.enabled,
  groupName: (ctx) => ctx.names.flowLogGroup,
  filterPattern: (config) => flowLogFilterPattern(config.flowLogs.logFormat, config.flowLogs.dropNoData),
});
