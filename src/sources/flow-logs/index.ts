import { notInLambda } from '../../components/component';
import { flowLogsComponent } from '../../components/flow-logs/flow-logs';
import { flowLogGroupComponent } from '../../components/logs/log-group';
import { isDataFrom } from '../records';
import type { SourceModule } from '../types';
import { flowLogParameters } from './parameters';

/** VPC flow logs of every VPC of the region into one log group, subscribed to the stream (the enroller adds new VPCs). */
export const flowLogsModule: SourceModule = {
  ...flowLogParameters,
  title: 'VPC flow logs',
  components: [flowLogGroupComponent, flowLogsComponent],
  auditChecks: [flowLogGroupComponent.id, flowLogsComponent.id],
  matches: process.env.SIEM_LAMBDA_BUNDLE ? notInLambda : (record, { names }) => isDataFrom(record, names.flowLogGroup),
};
