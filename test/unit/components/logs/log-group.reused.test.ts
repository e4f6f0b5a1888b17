import {
  DeleteLogGroupCommand,
  DeleteSubscriptionFilterCommand,
  DescribeSubscriptionFiltersCommand,
  LimitExceededException,
  ListTagsForResourceCommand,
  PutSubscriptionFilterCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { ListTagsForStreamCommand } from '@aws-sdk/client-kinesis';
import { TAG_STACK } from '../../../../src/config/names';
import { trailLogGroupComponent } from '../../../../src/sources/cloudtrail/trail-log-group';
import { awsError, sentCommands, sentRequests } from '../../helpers/aws-mock';
import { createTestContext, OTHER_STACK_ID, TEST_STACK_ID, testConfig } from '../../helpers/context';
import { A, EXISTING, filter, groupArn, mockLogs, notFound, ourTags, putFilter, R, RECORD_KEY, reuse, STREAM_ARN, TRAIL_GROUP } from './log-group-helpers';

const { logs, kinesis } = mockLogs();
const { ctx } = createTestContext();

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
        { filterName: 'siem-old-to-kinesis', destinationArn: STREAM_ARN('siem-old') },
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

    // Both groups are read before the first write.
    expect(sentRequests(logs)).toEqual([
      ['ListTagsForResourceCommand', { resourceArn: groupArn(TRAIL_GROUP) }],
      ['DescribeSubscriptionFiltersCommand', { logGroupName: EXISTING }],
      ['DeleteSubscriptionFilterCommand', { logGroupName: TRAIL_GROUP, filterName: 'siem-test-to-kinesis' }],
      ['DeleteLogGroupCommand', { logGroupName: TRAIL_GROUP }],
      putFilter(EXISTING, ''),
    ]);
  });

  it('leaves a group with our name that is not ours in place when switching to the reused one', async () => {
    logs.on(ListTagsForResourceCommand).resolves({ tags: {} });
    logs.on(PutSubscriptionFilterCommand).resolves({});

    await trailLogGroupComponent.ensure(testConfig(reuse), ctx);

    expect(sentCommands(logs)).toEqual(['ListTagsForResourceCommand', 'DescribeSubscriptionFiltersCommand', 'PutSubscriptionFilterCommand']);
  });

  it('only records the group on our stream when our filter on it is already as wanted', async () => {
    logs.on(ListTagsForResourceCommand).rejects(notFound());
    logs.on(DescribeSubscriptionFiltersCommand).resolves({ subscriptionFilters: [filter(EXISTING, '')] });

    await trailLogGroupComponent.ensure(testConfig(reuse), ctx);

    expect(sentCommands(logs)).toEqual(['ListTagsForResourceCommand', 'DescribeSubscriptionFiltersCommand']);
    expect(sentRequests(kinesis)).toEqual([['AddTagsToStreamCommand', { StreamName: 'siem-test', Tags: { [RECORD_KEY]: EXISTING } }]]);
  });

  it('puts our filter again when its pattern on the reused group was changed', async () => {
    logs.on(ListTagsForResourceCommand).rejects(notFound());
    logs.on(DescribeSubscriptionFiltersCommand).resolves({ subscriptionFilters: [filter(EXISTING, '{ $.eventName = "x" }')] });
    logs.on(PutSubscriptionFilterCommand).resolves({});

    await trailLogGroupComponent.ensure(testConfig(reuse), ctx);

    expect(logs).toHaveReceivedCommandWith(PutSubscriptionFilterCommand, filter(EXISTING, ''));
  });

  it('names ExistingTrailLogGroup when that group does not exist, before writing anything (not even removing our own group)', async () => {
    logs.on(ListTagsForResourceCommand).resolves(ourTags);
    logs.on(DescribeSubscriptionFiltersCommand).rejects(notFound());

    await expect(trailLogGroupComponent.ensure(testConfig(reuse), ctx)).rejects.toThrow(
      `ExistingTrailLogGroup ${EXISTING} does not exist in account ${A}, region ${R}: give the log group of an existing trail in this region, or leave it empty to create a trail`,
    );
    expect(sentCommands(logs)).toEqual(['ListTagsForResourceCommand', 'DescribeSubscriptionFiltersCommand']);
    expect(sentCommands(kinesis)).toEqual([]);
  });

  it('names ExistingTrailLogGroup when that group goes away between read and write', async () => {
    logs.on(ListTagsForResourceCommand).rejects(notFound());
    logs.on(PutSubscriptionFilterCommand).rejects(notFound());

    await expect(trailLogGroupComponent.ensure(testConfig(reuse), ctx)).rejects.toThrow(
      `ExistingTrailLogGroup ${EXISTING} does not exist in account ${A}, region ${R}`,
    );
  });

  it('names the reused group when its subscription filters are all taken', async () => {
    logs.on(ListTagsForResourceCommand).rejects(notFound());
    logs.on(PutSubscriptionFilterCommand).rejects(awsError(LimitExceededException, 'Resource limit exceeded.'));

    await expect(trailLogGroupComponent.ensure(testConfig(reuse), ctx)).rejects.toThrow(`log group ${EXISTING} already has as many subscription filters`);
  });
});
