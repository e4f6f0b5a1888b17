import { notInLambda } from '../../components/component';
import { flowLogsComponent } from './flow-logs';
import { flowLogGroupComponent } from './flow-log-group';
import { isDataFrom } from '../records';
import type { SourceModule } from '../types';
import { flowLogParameters } from './parameters';

/** VPC flow logs of every VPC of the region into one log group, subscribed to the stream (the enroller adds new VPCs). */
export const flowLogsModule: SourceModule = {
  ...flowLogParameters,
  components: [flowLogGroupComponent, flowLogsComponent],
  auditChecks: [flowLogGroupComponent.id, flowLogsComponent.id],
  streams: process.env.SIEM_LAMBDA_BUNDLE
    ? notInLambda
    : ({ config, names }) => [{ name: 'VPC flow logs', expected: config.flowLogs.enabled, matches: (record) => isDataFrom(record, names.flowLogGroup) }],
};
