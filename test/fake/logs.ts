import { gzipSync } from 'node:zlib';
import {
  type CreateLogGroupCommandInput,
  type CreateLogStreamCommandInput,
  type DeleteLogGroupCommandInput,
  type DeleteRetentionPolicyCommandInput,
  type DeleteSubscriptionFilterCommandInput,
  type DescribeLogGroupsCommandInput,
  type DescribeLogGroupsCommandOutput,
  type DescribeSubscriptionFiltersCommandInput,
  type DescribeSubscriptionFiltersCommandOutput,
  type ListTagsForResourceCommandInput,
  type ListTagsForResourceCommandOutput,
  type ListTagsLogGroupCommandInput,
  type ListTagsLogGroupCommandOutput,
  type PutLogEventsCommandInput,
  type PutLogEventsCommandOutput,
  type PutRetentionPolicyCommandInput,
  type PutSubscriptionFilterCommandInput,
  type TagResourceCommandInput,
  type UntagResourceCommandInput,
} from '@aws-sdk/client-cloudwatch-logs';
import { checkedTags } from './tag-rules';
import { matchesOwner, notModelled, type FakeService, type Handlers, type Out, type OwnedResource, type OwnerMatch } from './service';
import { LogsSubscriptions } from './logs-subscriptions';
import { RETENTION_DAYS, type GroupState } from './logs-state';

export type { LogsFakeOptions } from './logs-state';

/**
 * CloudWatch Logs: log groups with retention and tags, log streams, and subscription filters into Kinesis
 * that send a test message when created (failing until the stream is ACTIVE and the role has propagated)
 * and deliver matching events as gzip-compressed DATA_MESSAGE records.
 */
export class LogsFake extends LogsSubscriptions implements FakeService {
  private readonly handlers = {
    CreateLogGroup: (i: CreateLogGroupCommandInput) => this.createGroup(i),
    DeleteLogGroup: (i: DeleteLogGroupCommandInput) => this.deleteGroup(i),
    DescribeLogGroups: (i: DescribeLogGroupsCommandInput): Out<DescribeLogGroupsCommandOutput> => this.describeGroups(i),
    PutRetentionPolicy: (i: PutRetentionPolicyCommandInput) => this.putRetention(i),
    DeleteRetentionPolicy: (i: DeleteRetentionPolicyCommandInput) => this.deleteRetention(i),
    CreateLogStream: (i: CreateLogStreamCommandInput) => this.createStream(i),
    PutLogEvents: (i: PutLogEventsCommandInput): Out<PutLogEventsCommandOutput> => this.putEvents(i),
    PutSubscriptionFilter: (i: PutSubscriptionFilterCommandInput) => this.putFilter(i),
    DescribeSubscriptionFilters: (i: DescribeSubscriptionFiltersCommandInput): Out<DescribeSubscriptionFiltersCommandOutput> => this.describeFilters(i),
    DeleteSubscriptionFilter: (i: DeleteSubscriptionFilterCommandInput) => this.deleteFilter(i),
    TagResource: (i: TagResourceCommandInput) => this.tag(this.groupOfArn(i.resourceArn), i.tags),
    UntagResource: (i: UntagResourceCommandInput) => this.untag(this.groupOfArn(i.resourceArn), i.tagKeys),
    ListTagsForResource: (i: ListTagsForResourceCommandInput): Out<ListTagsForResourceCommandOutput> => ({ tags: { ...this.groupOfArn(i.resourceArn).tags } }),
    ListTagsLogGroup: (i: ListTagsLogGroupCommandInput): Out<ListTagsLogGroupCommandOutput> => ({ tags: { ...this.group(i.logGroupName).tags } }),
  } satisfies Handlers;

  readonly commands = Object.keys(this.handlers);

  handle(command: string, input: Record<string, unknown>): unknown {
    const h = (this.handlers as Handlers)[command];
    if (!h) return notModelled(this.key, command);
    return h(input as never);
  }

  /** Whether a log group exists, for services that deliver into one (CloudTrail, flow logs). */
  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  /**
   * Events arriving in a log group as a delivering service writes them (CloudTrail, flow logs), passed on
   * to the group's subscription filters. Returns how many records reached a destination.
   */
  ingest(groupName: string, streamName: string, messages: readonly string[]): number {
    const g = this.groups.get(groupName);
    if (!g) throw new Error(`fake account: no log group ${groupName}`);
    g.streams.add(streamName);
    let delivered = 0;
    for (const f of g.filters) {
      const logEvents = messages
        .filter((m) => f.matcher(m))
        .map((message) => ({ id: String(++this.eventId).padStart(56, '0'), timestamp: this.env.now(), message }));
      if (logEvents.length === 0) continue;
      const body = { messageType: 'DATA_MESSAGE', owner: this.env.account, logGroup: g.name, logStream: streamName, subscriptionFilters: [f.name], logEvents };
      this.links.kinesis.deliver(f.destinationArn, f.distribution === 'ByLogStream' ? streamName : this.env.uuid(), gzipSync(JSON.stringify(body)));
      delivered++;
    }
    return delivered;
  }

  snapshot(): unknown {
    return [...this.groups.values()].map((g) => ({
      name: g.name,
      ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
      tags: { ...g.tags },
      filters: g.filters.map((f) => ({ name: f.name, pattern: f.pattern, destinationArn: f.destinationArn, ...(f.roleArn ? { roleArn: f.roleArn } : {}) })),
    }));
  }

  /** Our log groups, and our subscription filters on any log group (an existing trail's, say). */
  owned(match: OwnerMatch): OwnedResource[] {
    return [...this.groups.values()].flatMap((g) => [
      ...(matchesOwner(match, g.name, g.tags) ? [{ service: this.key, type: 'log-group', id: g.name }] : []),
      ...g.filters.filter((f) => match.names.has(f.name)).map((f) => ({ service: this.key, type: 'subscription-filter', id: `${g.name}|${f.name}` })),
    ]);
  }

  // ---- commands ----

  private createGroup(i: CreateLogGroupCommandInput): Record<string, never> {
    const name = this.validName(i.logGroupName);
    if (this.groups.has(name)) throw this.errors.make('ResourceAlreadyExistsException', 'The specified log group already exists');
    this.groups.set(name, {
      name,
      created: this.env.now(),
      ...(i.kmsKeyId ? { kmsKeyId: i.kmsKeyId } : {}),
      tags: { ...(i.tags ?? {}) },
      streams: new Set(),
      filters: [],
    });
    return {};
  }

  private deleteGroup(i: DeleteLogGroupCommandInput): Record<string, never> {
    this.group(i.logGroupName);
    this.groups.delete(i.logGroupName!);
    return {};
  }

  private describeGroups(i: DescribeLogGroupsCommandInput): Out<DescribeLogGroupsCommandOutput> {
    const prefix = i.logGroupNamePrefix ?? '';
    const all = [...this.groups.values()].filter((g) => g.name.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name));
    const start = i.nextToken ? Number(Buffer.from(i.nextToken, 'base64').toString()) : 0;
    const size = Math.min(i.limit ?? 50, this.opts.pageSize);
    const page = all.slice(start, start + size);
    const next = start + size < all.length ? Buffer.from(String(start + size)).toString('base64') : undefined;
    return {
      logGroups: page.map((g) => ({
        logGroupName: g.name,
        creationTime: g.created,
        ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
        metricFilterCount: 0,
        arn: this.arnOf(g.name),
        logGroupArn: this.arnOf(g.name, false),
        storedBytes: 0,
        ...(g.kmsKeyId ? { kmsKeyId: g.kmsKeyId } : {}),
        logGroupClass: 'STANDARD',
      })),
      ...(next ? { nextToken: next } : {}),
    };
  }

  private putRetention(i: PutRetentionPolicyCommandInput): Record<string, never> {
    const g = this.group(i.logGroupName);
    if (!RETENTION_DAYS.includes(i.retentionInDays ?? -1)) {
      throw this.errors.make(
        'InvalidParameterException',
        `1 validation error detected: Value '${String(i.retentionInDays)}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
      );
    }
    g.retentionInDays = i.retentionInDays!;
    return {};
  }

  private deleteRetention(i: DeleteRetentionPolicyCommandInput): Record<string, never> {
    delete this.group(i.logGroupName).retentionInDays;
    return {};
  }

  private createStream(i: CreateLogStreamCommandInput): Record<string, never> {
    const g = this.group(i.logGroupName);
    const name = i.logStreamName ?? '';
    if (g.streams.has(name)) throw this.errors.make('ResourceAlreadyExistsException', 'The specified log stream already exists');
    g.streams.add(name);
    return {};
  }

  private putEvents(i: PutLogEventsCommandInput): Out<PutLogEventsCommandOutput> {
    const g = this.group(i.logGroupName);
    const stream = i.logStreamName ?? '';
    if (!g.streams.has(stream)) throw this.errors.make('ResourceNotFoundException', 'The specified log stream does not exist.');
    this.ingest(
      g.name,
      stream,
      (i.logEvents ?? []).map((e) => e.message ?? ''),
    );
    return {};
  }

  private tag(g: GroupState, tags: Record<string, string> | undefined): Record<string, never> {
    g.tags = { ...g.tags, ...checkedTags('logs', { ...(tags ?? {}) }, (m) => this.errors.make('InvalidParameterException', m)) };
    if (Object.keys(g.tags).length > 50) throw this.errors.make('InvalidParameterException', 'A log group can have at most 50 tags.');
    return {};
  }

  private untag(g: GroupState, keys: string[] | undefined): Record<string, never> {
    for (const k of keys ?? []) delete g.tags[k];
    return {};
  }
}
