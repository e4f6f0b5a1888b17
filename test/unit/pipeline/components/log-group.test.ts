import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DeleteSubscriptionFilterCommand,
  DescribeLogGroupsCommand,
  DescribeSubscriptionFiltersCommand,
  InvalidParameterException,
  LimitExceededException,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  PutSubscriptionFilterCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { AddTagsToStreamCommand, KinesisClient, ListTagsForStreamCommand, RemoveTagsFromStreamCommand } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { OwnershipConflictError } from '../../../../src/support/errors';
import { flowLogGroupComponent, trailLogGroupComponent } from '../../../../src/components/logs/log-group';
import { awsError, sentCommands, sentRequests } from '../../helpers/aws-mock';
import { createTestContext, instantClock, OTHER_STACK_ID, TEST_STACK_ID, testConfig } from '../../helpers/context';

const logs = mockClient(CloudWatchLogsClient);
const kinesis = mockClient(KinesisClient);
const { ctx } = createTestContext();
const A = '123456789012';
const R = 'eu-west-1';
const TRAIL_GROUP = '/siem-pipeline/test/cloudtrail';
const FLOW_GROUP = '/siem-pipeline/test/vpc-flow-logs';
const EXISTING = 'aws-controltower/CloudTrailLogs';
const groupArn = (name: string) => `arn:aws:logs:${R}:${A}:log-group:${name}`;
const ourTags = { tags: { [TAG_NAME]: 'test', [TAG_STACK]: TEST_STACK_ID } };
const theirTags = { tags: { [TAG_STACK]: OTHER_STACK_ID } };
const FLOW_PATTERN = '[version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log_status="OK"]';
const reuse = { ExistingTrailLogGroup: EXISTING };

const filter = (logGroupName: string, filterPattern: string) => ({
  logGroupName,
  filterName: 'siem-test-to-kinesis',
  filterPattern,
  destinationArn: `arn:aws:kinesis:${R}:${A}:stream/siem-test`,
  roleArn: `arn:aws:iam::${A}:role/siem-pipeline/siem-test-${R}-cwl-to-kinesis`,
  distribution: 'Random' as const,
});
const putFilter = (group: string, pattern: string) => ['PutSubscriptionFilterCommand', filter(group, pattern)];
const notFound = () => awsError(ResourceNotFoundException, 'The specified log group does not exist.');
const testMessageFailed = () =>
  awsError(InvalidParameterException, 'Could not deliver test message to specified destination. Check if the destination is valid.');

const RECORD_KEY = 'siem-pipeline/reused-trail-log-group';
const STACK_ARN = (name: string) => `arn:aws:kinesis:${R}:${A}:stream/${name}`;

beforeEach(() => {
  kinesis.on(ListTagsForStreamCommand).resolves({ Tags: [], HasMoreTags: false });
  kinesis.on(AddTagsToStreamCommand).resolves({});
  kinesis.on(RemoveTagsFromStreamCommand).resolves({});
});
afterEach(() => {
  logs.reset();
  kinesis.reset();
});
afterAll(() => {
  logs.restore();
  kinesis.restore();
});

describe('log groups enabled', () => {
  it.each([
    ['defaults', {}, R, true, true],
    ['CloudTrail off', { EnableCloudTrail: 'false' }, R, false, true],
    ['flow logs off', { EnableFlowLogs: 'false' }, R, true, false],
    ['a reused trail log group', reuse, R, true, true],
    ['CloudTrail homed elsewhere', { TrailHomeRegion: 'us-east-1' }, R, false, true],
    ['CloudTrail homed elsewhere, seen from its home', { TrailHomeRegion: 'us-east-1' }, 'us-east-1', true, true],
  ])('%s', (_case, props, region, trail, flow) => {
    const c = createTestContext({ region }).ctx;
    expect([trailLogGroupComponent.enabled(testConfig(props), c), flowLogGroupComponent.enabled(testConfig(props), c)]).toEqual([trail, flow]);
  });

  it.each([trailLogGroupComponent, flowLogGroupComponent])('$id waits for the stream and the logs role', (component) => {
    expect(component.dependsOn).toEqual(['stream', 'logs-role']);
  });
});

describe('log group ensure (our own group)', () => {
  it.each([
    ['trail-log-group', trailLogGroupComponent, {}, TRAIL_GROUP, 1, ''],
    ['flow-log-group', flowLogGroupComponent, { LogRetentionDays: '7' }, FLOW_GROUP, 7, FLOW_PATTERN],
    ['flow-log-group keeping NODATA', flowLogGroupComponent, { FlowLogDropNoData: 'false' }, FLOW_GROUP, 1, ''],
    [
      'flow-log-group with a custom format',
      flowLogGroupComponent,
      { FlowLogFormat: '${vpc-id} ${srcaddr} ${log-status}' },
      FLOW_GROUP,
      1,
      '[vpc_id, srcaddr, log_status="OK"]',
    ],
  ])('%s: creates the group with our tags, sets retention, subscribes it', async (_case, component, props, group, days, pattern) => {
    logs.on(CreateLogGroupCommand).resolves({});
    logs.on(PutRetentionPolicyCommand).resolves({});
    logs.on(PutSubscriptionFilterCommand).resolves({});

    await expect(component.ensure(testConfig(props), ctx)).resolves.toEqual({});

    expect(sentRequests(logs)).toEqual([
      ['CreateLogGroupCommand', { logGroupName: group, tags: ourTags.tags }],
      ['PutRetentionPolicyCommand', { logGroupName: group, retentionInDays: days }],
      putFilter(group, pattern),
    ]);
  });

  it('converges a group of ours that exists already', async () => {
    logs.on(CreateLogGroupCommand).rejects(awsError(ResourceAlreadyExistsException, 'The specified log group already exists'));
    logs.on(ListTagsForResourceCommand).resolves(ourTags);
    logs.on(PutRetentionPolicyCommand).resolves({});
    logs.on(PutSubscriptionFilterCommand).resolves({});

    await trailLogGroupComponent.ensure(testConfig(), ctx);

    expect(sentRequests(logs)).toEqual([
      ['CreateLogGroupCommand', { logGroupName: TRAIL_GROUP, tags: ourTags.tags }],
      ['ListTagsForResourceCommand', { resourceArn: groupArn(TRAIL_GROUP) }],
      ['PutRetentionPolicyCommand', { logGroupName: TRAIL_GROUP, retentionInDays: 1 }],
      putFilter(TRAIL_GROUP, ''),
    ]);
  });

  it.each([
    ['another stack', theirTags],
    ['no one', { tags: {} }],
  ])('refuses a group with our name that belongs to %s, changing nothing', async (_owner, tags) => {
    logs.on(CreateLogGroupCommand).rejects(awsError(ResourceAlreadyExistsException, 'The specified log group already exists'));
    logs.on(ListTagsForResourceCommand).resolves(tags);

    await expect(flowLogGroupComponent.ensure(testConfig(), ctx)).rejects.toThrow(OwnershipConflictError);
    expect(sentCommands(logs)).toEqual(['CreateLogGroupCommand', 'ListTagsForResourceCommand']);
  });

  it('retries the subscription while the test message cannot be delivered, on the injected clock', async () => {
    const clock = instantClock();
    const t = createTestContext({ clock });
    logs.on(CreateLogGroupCommand).resolves({});
    logs.on(PutRetentionPolicyCommand).resolves({});
    logs.on(PutSubscriptionFilterCommand).rejectsOnce(testMessageFailed()).rejectsOnce(testMessageFailed()).rejectsOnce(testMessageFailed()).resolves({});

    await trailLogGroupComponent.ensure(testConfig(), t.ctx);

    expect(logs).toHaveReceivedCommandTimes(PutSubscriptionFilterCommand, 4);
    // Backoff delays of the test context (base 10 ms, jitter 0.5): no wall-clock sleep.
    expect(clock.sleeps).toEqual([5, 10, 20]);
    expect(t.logs().filter((l) => l.message === 'subscription filter test delivery failed; retrying')).toHaveLength(3);
  });

  it('gives up after the retry budget and rethrows the test-delivery error', async () => {
    logs.on(CreateLogGroupCommand).resolves({});
    logs.on(PutRetentionPolicyCommand).resolves({});
    logs.on(PutSubscriptionFilterCommand).rejects(testMessageFailed());

    await expect(trailLogGroupComponent.ensure(testConfig(), ctx)).rejects.toThrow('Could not deliver test message');
    expect(logs).toHaveReceivedCommandTimes(PutSubscriptionFilterCommand, 5);
  });

  it('does not retry any other invalid parameter', async () => {
    logs.on(CreateLogGroupCommand).resolves({});
    logs.on(PutRetentionPolicyCommand).resolves({});
    logs.on(PutSubscriptionFilterCommand).rejects(awsError(InvalidParameterException, 'Invalid filter pattern'));

    await expect(flowLogGroupComponent.ensure(testConfig(), ctx)).rejects.toThrow('Invalid filter pattern');
    expect(logs).toHaveReceivedCommandTimes(PutSubscriptionFilterCommand, 1);
  });

  it('names the group when it already has as many subscription filters as allowed', async () => {
    logs.on(CreateLogGroupCommand).resolves({});
    logs.on(PutRetentionPolicyCommand).resolves({});
    logs.on(PutSubscriptionFilterCommand).rejects(awsError(LimitExceededException, 'Resource limit exceeded.'));

    await expect(flowLogGroupComponent.ensure(testConfig(), ctx)).rejects.toThrow(
      `log group ${FLOW_GROUP} already has as many subscription filters as CloudWatch Logs allows per group (a quota that cannot be raised)`,
    );
    expect(logs).toHaveReceivedCommandTimes(PutSubscriptionFilterCommand, 1);
  });

  it('warns, and forwards every record, when a custom flow-log format has no log-status', async () => {
    const t = createTestContext();
    logs.on(CreateLogGroupCommand).resolves({});
    logs.on(PutRetentionPolicyCommand).resolves({});
    logs.on(PutSubscriptionFilterCommand).resolves({});

    await flowLogGroupComponent.ensure(testConfig({ FlowLogFormat: '${srcaddr} ${dstaddr}' }), t.ctx);

    expect(logs).toHaveReceivedCommandWith(PutSubscriptionFilterCommand, { filterPattern: '' });
    expect(t.logs()).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringContaining('no ${log-status} field') }));
  });
});

describe('trail log group ensure (reused trail: ExistingTrailLogGroup)', () => {
  beforeEach(() => logs.on(DescribeSubscriptionFiltersCommand).resolves({ subscriptionFilters: [] }));

  it('only subscribes the existing group: no creation, retention or tags on it; the group is recorded on our stream', async () => {
    logs.on(ListTagsForResourceCommand).rejects(notFound());
    logs.on(PutSubscriptionFilterCommand).resolves({});

    await trailLogGroupComponent.ensure(testConfig(reuse), ctx);

    expect(sentRequests(logs)).toEqual([
      // Our own group, left over from before the switch to reuse, would be removed here: there is none.
      ['ListTagsForResourceCommand', { resourceArn: groupArn(TRAIL_GROUP) }],
      ['DescribeSubscriptionFiltersCommand', { logGroupName: EXISTING }],
      putFilter(EXISTING, ''),
    ]);
    expect(sentRequests(kinesis)).toEqual([['AddTagsToStreamCommand', { StreamName: 'siem-test', Tags: { [RECORD_KEY]: EXISTING } }]]);
  });

  it.each([
    ['this stack, recording this group: its filter gives its slot to ours', TEST_STACK_ID, EXISTING, true],
    ['another stack', OTHER_STACK_ID, EXISTING, false],
    ['this stack, recording another group', TEST_STACK_ID, 'other/group', false],
  ])('a filter of pipeline "old" (stream tagged by %s) is replaced only when it is a rename predecessor', async (_case, stack, recorded, replaced) => {
    logs.on(ListTagsForResourceCommand).rejects(notFound());
    logs.on(DescribeSubscriptionFiltersCommand).resolves({
      subscriptionFilters: [
        { filterName: 'org-archive', destinationArn: 'arn:aws:kinesis:eu-west-1:999999999999:stream/archive' },
        { filterName: 'siem-old-to-kinesis', destinationArn: STACK_ARN('siem-old') },
      ],
    });
    kinesis.on(ListTagsForStreamCommand, { StreamName: 'siem-old' }).resolves({
      Tags: [
        { Key: TAG_STACK, Value: stack },
        { Key: RECORD_KEY, Value: recorded },
      ],
      HasMoreTags: false,
    });
    logs.on(DeleteSubscriptionFilterCommand).resolves({});
    logs.on(PutSubscriptionFilterCommand).resolves({});

    await trailLogGroupComponent.ensure(testConfig(reuse), ctx);

    const deletes = sentRequests(logs).filter(([c]) => c === 'DeleteSubscriptionFilterCommand');
    expect(deletes).toEqual(replaced ? [['DeleteSubscriptionFilterCommand', { logGroupName: EXISTING, filterName: 'siem-old-to-kinesis' }]] : []);
    expect(logs).toHaveReceivedCommandWith(PutSubscriptionFilterCommand, filter(EXISTING, ''));
  });

  it('removes our own group left from before the switch, then subscribes the existing one', async () => {
    logs.on(ListTagsForResourceCommand).resolves(ourTags);
    logs.on(DeleteSubscriptionFilterCommand).resolves({});
    logs.on(DeleteLogGroupCommand).resolves({});
    logs.on(PutSubscriptionFilterCommand).resolves({});

    await trailLogGroupComponent.ensure(testConfig(reuse), ctx);

    expect(sentRequests(logs)).toEqual([
      ['ListTagsForResourceCommand', { resourceArn: groupArn(TRAIL_GROUP) }],
      ['DeleteSubscriptionFilterCommand', { logGroupName: TRAIL_GROUP, filterName: 'siem-test-to-kinesis' }],
      ['DeleteLogGroupCommand', { logGroupName: TRAIL_GROUP }],
      ['DescribeSubscriptionFiltersCommand', { logGroupName: EXISTING }],
      putFilter(EXISTING, ''),
    ]);
  });

  it('names ExistingTrailLogGroup when that group does not exist', async () => {
    logs.on(ListTagsForResourceCommand).rejects(notFound());
    logs.on(DescribeSubscriptionFiltersCommand).rejects(notFound());

    await expect(trailLogGroupComponent.ensure(testConfig(reuse), ctx)).rejects.toThrow(
      `ExistingTrailLogGroup ${EXISTING} does not exist in ${R}: give the log group of an existing trail in this region, or leave it empty to create a trail`,
    );
  });

  it('names the reused group when its subscription filters are all taken', async () => {
    logs.on(ListTagsForResourceCommand).rejects(notFound());
    logs.on(PutSubscriptionFilterCommand).rejects(awsError(LimitExceededException, 'Resource limit exceeded.'));

    await expect(trailLogGroupComponent.ensure(testConfig(reuse), ctx)).rejects.toThrow(`log group ${EXISTING} already has as many subscription filters`);
  });
});

describe('log group remove', () => {
  it.each([
    ['trail-log-group', trailLogGroupComponent, TRAIL_GROUP],
    ['flow-log-group', flowLogGroupComponent, FLOW_GROUP],
  ])('%s: deletes our filter, then our group', async (_case, component, group) => {
    logs.on(ListTagsForResourceCommand).resolves(ourTags);
    logs.on(DeleteSubscriptionFilterCommand).resolves({});
    logs.on(DeleteLogGroupCommand).resolves({});

    await component.remove(testConfig(), ctx);

    expect(sentRequests(logs)).toEqual([
      ['ListTagsForResourceCommand', { resourceArn: groupArn(group) }],
      ['DeleteSubscriptionFilterCommand', { logGroupName: group, filterName: 'siem-test-to-kinesis' }],
      ['DeleteLogGroupCommand', { logGroupName: group }],
    ]);
  });

  it.each([
    ['the group is gone', () => logs.on(ListTagsForResourceCommand).rejects(notFound()), ['ListTagsForResourceCommand']],
    ['the group is not ours', () => logs.on(ListTagsForResourceCommand).resolves(theirTags), ['ListTagsForResourceCommand']],
    [
      'filter and group vanish meanwhile',
      () => {
        logs.on(ListTagsForResourceCommand).resolves(ourTags);
        logs.on(DeleteSubscriptionFilterCommand).rejects(notFound());
        logs.on(DeleteLogGroupCommand).rejects(notFound());
      },
      ['ListTagsForResourceCommand', 'DeleteSubscriptionFilterCommand', 'DeleteLogGroupCommand'],
    ],
  ])('is done when %s', async (_case, arrange, expected) => {
    arrange();
    await expect(flowLogGroupComponent.remove(testConfig(), ctx)).resolves.toBeUndefined();
    expect(sentCommands(logs)).toEqual(expected);
  });

  it('takes only our filter off a reused group, never the group', async () => {
    logs.on(DeleteSubscriptionFilterCommand).resolves({});
    logs.on(ListTagsForResourceCommand).rejects(notFound());

    await trailLogGroupComponent.remove(testConfig(reuse), ctx);

    expect(sentRequests(logs)).toEqual([
      ['DeleteSubscriptionFilterCommand', { logGroupName: EXISTING, filterName: 'siem-test-to-kinesis' }],
      ['ListTagsForResourceCommand', { resourceArn: groupArn(TRAIL_GROUP) }],
    ]);
    expect(logs).not.toHaveReceivedCommand(DeleteLogGroupCommand);
  });

  it('takes our filter off the group our stream records even when the config names none (properties that no longer parse), then drops the record', async () => {
    kinesis.on(ListTagsForStreamCommand).resolves({ Tags: [{ Key: RECORD_KEY, Value: 'org/trail=main' }], HasMoreTags: false });
    logs.on(DeleteSubscriptionFilterCommand).resolves({});
    logs.on(ListTagsForResourceCommand).rejects(notFound());

    await trailLogGroupComponent.remove(testConfig(), ctx);

    expect(sentRequests(logs)).toEqual([
      ['DeleteSubscriptionFilterCommand', { logGroupName: 'org/trail#main', filterName: 'siem-test-to-kinesis' }],
      ['ListTagsForResourceCommand', { resourceArn: groupArn(TRAIL_GROUP) }],
    ]);
    expect(kinesis).toHaveReceivedCommandWith(RemoveTagsFromStreamCommand, { StreamName: 'siem-test', TagKeys: [RECORD_KEY] });
  });

  it('is done when our filter on the reused group is already gone', async () => {
    logs.on(DeleteSubscriptionFilterCommand).rejects(notFound());
    logs.on(ListTagsForResourceCommand).rejects(notFound());

    await expect(trailLogGroupComponent.remove(testConfig(reuse), ctx)).resolves.toBeUndefined();
  });
});

describe('log group inspect', () => {
  const subscribed = (group: string, pattern: string) => ({
    subscriptionFilters: [{ ...filter(group, pattern), creationTime: 0 }],
  });

  it.each([
    [
      'present when group, retention and filter match',
      () => {
        logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: FLOW_GROUP, retentionInDays: 1 }] });
        logs.on(ListTagsForResourceCommand).resolves(ourTags);
        logs.on(DescribeSubscriptionFiltersCommand).resolves(subscribed(FLOW_GROUP, FLOW_PATTERN));
      },
      { state: 'present', details: { logGroup: FLOW_GROUP } },
    ],
    [
      'drifted on retention and pattern',
      () => {
        logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: `${FLOW_GROUP}-other` }, { logGroupName: FLOW_GROUP, retentionInDays: 30 }] });
        logs.on(ListTagsForResourceCommand).resolves(ourTags);
        logs.on(DescribeSubscriptionFiltersCommand).resolves(subscribed(FLOW_GROUP, ''));
      },
      { state: 'drifted', details: { logGroup: FLOW_GROUP, differences: ['retention 30 days, want 1', 'subscription filter pattern changed'] } },
    ],
    ['absent without the group', () => logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] }), { state: 'absent' }],
  ])('%s', async (_case, arrange, expected) => {
    arrange();
    await expect(flowLogGroupComponent.inspect(testConfig(), ctx)).resolves.toEqual(expected);
    expect(sentCommands(logs).every((c) => c.startsWith('Describe') || c.startsWith('List'))).toBe(true);
  });

  it('looks only at our filter on a reused group', async () => {
    logs.on(DescribeSubscriptionFiltersCommand).resolves({ subscriptionFilters: [] });

    await expect(trailLogGroupComponent.inspect(testConfig(reuse), ctx)).resolves.toEqual({ state: 'absent', details: { logGroup: EXISTING } });
    expect(sentRequests(logs)).toEqual([['DescribeSubscriptionFiltersCommand', { logGroupName: EXISTING, filterNamePrefix: 'siem-test-to-kinesis' }]]);
  });
});
