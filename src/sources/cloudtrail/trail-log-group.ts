import type { Component } from '../../components/component';
import { logGroupComponent } from '../../components/logs/log-group';
import { cloudTrailInThisRegion } from './scope';

/** The CloudTrail log group: ours for the trail we create, or the group of an existing trail (ExistingTrailLogGroup). */
export const trailLogGroupComponent: Component = logGroupComponent({
  id: 'trail-log-group',
  dependsOn: ['stream', 'logs-role'],
  enabled: (config, ctx) => cloudTrailInThisRegion(config, ctx.region),
  groupName: (ctx) => ctx.names.cloudTrailLogGroup,
  existingGroup: (config) => config.cloudTrail.existingLogGroup,
  filterPattern: () => ({ pattern: '' }),
  sharedAcrossRename: true,
});
