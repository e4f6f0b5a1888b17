import type { Component } from '../component';
import { eventsRoleComponent, flowLogsRoleComponent, logsRoleComponent, trailRoleComponent } from './delivery-roles';
import { eventSourcesComponent } from './event-sources';
import { flowLogsComponent } from './flow-logs';
import { guardDutyDetectorComponent } from './guardduty';
import { guardDutyRuleComponent } from './guardduty-rule';
import { streamComponent } from './kinesis-stream';
import { flowLogGroupComponent, trailLogGroupComponent } from './log-group';
import { siemRoleComponent } from './siem-role';
import { siemUserComponent } from './siem-user';
import { trailComponent } from './trail';
import { trailBucketComponent } from './trail-bucket';

/** Every component of the pipeline, in a stable order (the engine orders by dependencies). */
export function defaultComponents(): Component[] {
  return [
    streamComponent,
    siemUserComponent,
    siemRoleComponent,
    logsRoleComponent,
    eventsRoleComponent,
    flowLogsRoleComponent,
    trailRoleComponent,
    trailLogGroupComponent,
    flowLogGroupComponent,
    flowLogsComponent,
    trailBucketComponent,
    trailComponent,
    guardDutyDetectorComponent,
    guardDutyRuleComponent,
    eventSourcesComponent,
  ];
}
