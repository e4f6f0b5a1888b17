import {
  CreateLogGroupCommand,
  InvalidParameterException,
  LimitExceededException,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  PutSubscriptionFilterCommand,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-cloudwatch-logs';
import { OwnershipConflictError } from '../../../../src/support/errors';
import { flowLogGroupComponent } from '../../../../src/sources/flow-logs/flow-log-group';
import { trailLogGroupComponent } from '../../../../src/sources/cloudtrail/trail-log-group';
import { awsError, sentCommands, sentRequests } from '../../helpers/aws-mock';
import { createTestContext, instantClock, testConfig } from '../../helpers/context';
import { FLOW_GROUP, FLOW_PATTERN, groupArn, mockLogs, ourTags, putFilter, R, reuse, testMessageFailed, theirTags, TRAIL_GROUP } from './log-group-helpers';

const { logs } = mockLogs();
const { ctx } = createTestContext();

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
