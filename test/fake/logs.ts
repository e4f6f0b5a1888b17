import { gzipSync } from 'node:zlib';
import {
  CloudWatchLogsServiceException,
  InvalidParameterException,
  LimitExceededException,
  OperationAbortedException,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
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
import { ErrorFactory } from './errors';
import { checkedTags } from './tag-rules';
import type { IamFake } from './iam';
import type { KinesisFake } from './kinesis';
import { compileFilterPattern, type FilterMatcher } from './logs-filter';
import { matchesOwner, notModelled, type FakeEnv, type FakeService, type Handlers, type Out, type OwnedResource, type OwnerMatch } from './service';

interface FilterState {
  name: string;
  pattern: string;
  matcher: FilterMatcher;
  destinationArn: string;
  roleArn?: string;
  distribution: 'Random' | 'ByLogStream';
  created: number;
}

interface GroupState {
  name: string;
  created: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  tags: Record<string, string>;
  streams: Set<string>;
  filters: FilterState[];
}

export interface LogsFakeOptions {
  /** Subscription filters per log group (the quota page says 2). */
  filtersPerGroup: number;
  /** Page size of DescribeLogGroups when the caller asks for more (AWS default and maximum: 50). */
  pageSize: number;
}

const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const NOT_DELIVERED_STREAM = 'Could not deliver test message to specified Kinesis stream. Check if the given kinesis stream is in ACTIVE state.';
const NOT_DELIVERED = 'Could not deliver test message to specified destination. Check if the destination is valid.';

/**
 * CloudWatch Logs: log groups with retention and tags, log streams, and subscription filters into Kinesis
 * that send a test message when created (failing until the stream is ACTIVE and the role has propagated)
 * and deliver matching events as gzip-compressed DATA_MESSAGE records.
 */
export class LogsFake implements FakeService {
  readonly key = 'logs' as const;
  readonly errors = new ErrorFactory({
    base: CloudWatchLogsServiceException,
    modeled: {
      InvalidParameterException: [InvalidParameterException, 400],
      LimitExceededException: [LimitExceededException, 400],
      OperationAbortedException: [OperationAbortedException, 400],
      ResourceAlreadyExistsException: [ResourceAlreadyExistsException, 400],
      ResourceNotFoundException: [ResourceNotFoundException, 400],
    },
    protocol: 'json',
    throttling: 'ThrottlingException',
    accessDenied: 'AccessDeniedException',
    actionPrefix: 'logs',
  });
  private readonly groups = new Map<string, GroupState>();
  private eventId = 0;

  constructor(
    private readonly env: FakeEnv,
    private readonly links: { kinesis: KinesisFake; iam: IamFake },
    private readonly opts: LogsFakeOptions,
  ) {}

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

  /** The ARN of a log group as DescribeLogGroups shows it (with `:*`) and as tagging takes it (without). */
  arnOf(name: string, star = true): string {
    return `arn:${this.env.partition}:logs:${this.env.region}:${this.env.account}:log-group:${name}${star ? ':*' : ''}`;
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

  private putFilter(i: PutSubscriptionFilterCommandInput): Record<string, never> {
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
  private testDelivery(g: GroupState, streamArn: string, roleArn: string | undefined): void {
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

  private describeFilters(i: DescribeSubscriptionFiltersCommandInput): Out<DescribeSubscriptionFiltersCommandOutput> {
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

  private deleteFilter(i: DeleteSubscriptionFilterCommandInput): Record<string, never> {
    const g = this.group(i.logGroupName);
    if (!g.filters.some((f) => f.name === i.filterName))
      throw this.errors.make('ResourceNotFoundException', 'The specified subscription filter does not exist.');
    g.filters = g.filters.filter((f) => f.name !== i.filterName);
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

  // ---- helpers ----

  private group(name: string | undefined): GroupState {
    const g = name === undefined ? undefined : this.groups.get(name);
    if (!g) throw this.errors.make('ResourceNotFoundException', 'The specified log group does not exist.');
    return g;
  }

  private groupOfArn(arn: string | undefined): GroupState {
    const m = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:(.+?)(:\*)?$/.exec(arn ?? '');
    if (!m) throw this.errors.make('InvalidParameterException', `Invalid resource ARN ${String(arn)}`);
    return this.group(m[3]);
  }

  private validName(name: string | undefined): string {
    if (name === undefined || !/^[\w\-/.#]{1,512}$/.test(name)) {
      throw this.errors.make(
        'InvalidParameterException',
        `1 validation error detected: Value '${String(name)}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`,
      );
    }
    return name;
  }
}
