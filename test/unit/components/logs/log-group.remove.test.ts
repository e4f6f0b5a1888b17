import {
  DeleteLogGroupCommand,
  DeleteSubscriptionFilterCommand,
  DescribeLogGroupsCommand,
  DescribeSubscriptionFiltersCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { ListTagsForStreamCommand, RemoveTagsFromStreamCommand } from '@aws-sdk/client-kinesis';
import { flowLogGroupComponent } from '../../../../src/sources/flow-logs/flow-log-group';
import { trailLogGroupComponent } from '../../../../src/sources/cloudtrail/trail-log-group';
import { sentCommands, sentRequests } from '../../helpers/aws-mock';
import { createTestContext, testConfig } from '../../helpers/context';
import {
  EXISTING,
  filter,
  FLOW_GROUP,
  FLOW_PATTERN,
  groupArn,
  mockLogs,
  notFound,
  ourTags,
  RECORD_KEY,
  reuse,
  theirTags,
  TRAIL_GROUP,
} from './log-group-helpers';

const { logs, kinesis } = mockLogs();
const { ctx } = createTestContext();

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
  const present = { state: 'present', details: { logGroup: EXISTING } };
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

  it.each([
    ['absent without our filter', [], [], { state: 'absent' }],
    [
      'present with our filter, the group recorded on our stream',
      [{ ...filter(EXISTING, ''), creationTime: 0 }],
      [{ Key: RECORD_KEY, Value: EXISTING }],
      present,
    ],
    [
      'drifted when our filter sends elsewhere',
      [{ ...filter(EXISTING, ''), destinationArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/other' }],
      [{ Key: RECORD_KEY, Value: EXISTING }],
      { state: 'drifted', details: { logGroup: EXISTING, differences: ['subscription filter destination changed'] } },
    ],
    // Adopted (recorded) is no drift: ensure records it again, nothing of the group changes.
    ['present with our filter, not yet recorded on our stream', [filter(EXISTING, '')], [], present],
  ])('a reused group: %s, reading its filters, our own group and our stream only', async (_case, subscriptionFilters, Tags, expected) => {
    logs.on(ListTagsForResourceCommand).rejects(notFound());
    logs.on(DescribeSubscriptionFiltersCommand).resolves({ subscriptionFilters });
    kinesis.on(ListTagsForStreamCommand).resolves({ Tags, HasMoreTags: false });

    await expect(trailLogGroupComponent.inspect(testConfig(reuse), ctx)).resolves.toEqual(expected);
    expect(sentRequests(logs)).toEqual([
      ['ListTagsForResourceCommand', { resourceArn: groupArn(TRAIL_GROUP) }],
      ['DescribeSubscriptionFiltersCommand', { logGroupName: EXISTING }],
    ]);
    expect(sentCommands(kinesis)).toEqual(['ListTagsForStreamCommand']);
  });
});
