import { gzipSync } from 'node:zlib';
import {
  type DeleteSubscriptionFilterCommandInput,
  type DescribeSubscriptionFiltersCommandInput,
  type DescribeSubscriptionFiltersCommandOutput,
  type PutSubscriptionFilterCommandInput,
} from '@aws-sdk/client-cloudwatch-logs';
import { compileFilterPattern, type FilterMatcher } from './logs-filter';
import { type Out } from './service';
import { LogsGroups, NOT_DELIVERED, NOT_DELIVERED_STREAM, type FilterState, type GroupState } from './logs-state';

/** CloudWatch Logs subscription-filter commands, with the test message sent to the destination on Put. */
export abstract class LogsSubscriptions extends LogsGroups {
  protected putFilter(i: PutSubscriptionFilterCommandInput): Record<string, never> {
    const g = this.group(i.logGroupName);
    const name = i.filterName ?? '';
    let matcher: FilterMatcher;
    try {
      matcher = compileFilterPattern(i.filterPattern ?? '');
    } catch (err) {
      throw this.errors.make('InvalidParameterException', (err as Error).message);
    }
    const replacing = g.filters.find((f) => f.name === name);
    if (!replacing && g.filters.length >= this.opts.filtersPerGroup) throw this.errors.make('LimitExceededException', 'Resource limit exceeded.');
    const destinationArn = i.destinationArn ?? '';
    if (destinationArn.includes(':kinesis:')) this.testDelivery(g, destinationArn, i.roleArn);
    else throw this.errors.make('InvalidParameterException', `Destination ${destinationArn} is not modelled by the fake account (Kinesis streams only).`);
    const filter: FilterState = {
      name,
      pattern: i.filterPattern ?? '',
      matcher,
      destinationArn,
      ...(i.roleArn ? { roleArn: i.roleArn } : {}),
      distribution: i.distribution ?? 'ByLogStream',
      created: this.env.now(),
    };
    g.filters = replacing ? g.filters.map((f) => (f === replacing ? filter : f)) : [...g.filters, filter];
    return {};
  }

  /** The test message CloudWatch Logs sends when a Kinesis subscription is created or changed. */
  protected testDelivery(g: GroupState, streamArn: string, roleArn: string | undefined): void {
    if (this.links.kinesis.statusOf(streamArn) !== 'ACTIVE' && this.links.kinesis.statusOf(streamArn) !== 'UPDATING') {
      throw this.errors.make('InvalidParameterException', NOT_DELIVERED_STREAM);
    }
    const facts = { sourceArn: this.arnOf(g.name), sourceAccount: this.env.account };
    const use = this.links.iam.useRole(roleArn, 'logs->kinesis', facts, ['kinesis:PutRecord'], streamArn);
    if (!use.ok) throw this.errors.make('InvalidParameterException', NOT_DELIVERED);
    const body = {
      messageType: 'CONTROL_MESSAGE',
      owner: 'CloudwatchLogs',
      logGroup: '',
      logStream: '',
      subscriptionFilters: [],
      logEvents: [{ id: '', timestamp: this.env.now(), message: 'CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.' }],
    };
    this.links.kinesis.deliver(streamArn, this.env.uuid(), gzipSync(JSON.stringify(body)));
  }

  protected describeFilters(i: DescribeSubscriptionFiltersCommandInput): Out<DescribeSubscriptionFiltersCommandOutput> {
    const g = this.group(i.logGroupName);
    return {
      subscriptionFilters: g.filters
        .filter((f) => f.name.startsWith(i.filterNamePrefix ?? ''))
        .map((f) => ({
          filterName: f.name,
          logGroupName: g.name,
          filterPattern: f.pattern,
          destinationArn: f.destinationArn,
          ...(f.roleArn ? { roleArn: f.roleArn } : {}),
          distribution: f.distribution,
          creationTime: f.created,
        })),
    };
  }

  protected deleteFilter(i: DeleteSubscriptionFilterCommandInput): Record<string, never> {
    const g = this.group(i.logGroupName);
    if (!g.filters.some((f) => f.name === i.filterName))
      throw this.errors.make('ResourceNotFoundException', 'The specified subscription filter does not exist.');
    g.filters = g.filters.filter((f) => f.name !== i.filterName);
    return {};
  }
}
