import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, DescribeSubscriptionFiltersCommand, ResourceNotFoundException } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeLimitsCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListTagsForStreamCommand,
  ResourceNotFoundException as StreamNotFound,
} from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { TAG_STACK } from '../../../src/config/names';
import { kinesisTagText } from '../../../src/components/stream-tags';
import { PreflightError, validateBeforeWrite } from '../../../src/engine/preflight';
import { awsError, sentRequests } from '../helpers/aws-mock';
import { createTestContext, TEST_STACK_ID, testConfig } from '../helpers/context';

const cloudtrail = mockClient(CloudTrailClient);
const logs = mockClient(CloudWatchLogsClient);
const kinesis = mockClient(KinesisClient);
const { ctx } = createTestContext();
const A = '123456789012';
const R = 'eu-west-1';
const GROUP = 'org/cloudtrail';
const groupArn = (g: string) => `arn:aws:logs:${R}:${A}:log-group:${g}:*`;
const trail = (Name: string, group?: string) => ({ Name, HomeRegion: R, ...(group ? { CloudWatchLogsLogGroupArn: groupArn(group) } : {}) });
const reuse = testConfig({ ExistingTrailLogGroup: GROUP });
const filter = (filterName: string, stream: string) => ({ filterName, destinationArn: `arn:aws:kinesis:${R}:${A}:stream/${stream}` });

function world(opts: { trails?: object[]; groups?: string[]; filters?: object[]; openShards?: number; ourShards?: number } = {}): void {
  kinesis.on(DescribeLimitsCommand).resolves({ ShardLimit: 200, OpenShardCount: opts.openShards ?? 10, OnDemandStreamCount: 0, OnDemandStreamCountLimit: 50 });
  if (opts.ourShards === undefined) kinesis.on(DescribeStreamSummaryCommand).rejects(awsError(StreamNotFound, 'Stream siem-test not found.'));
  else kinesis.on(DescribeStreamSummaryCommand).resolves({ StreamDescriptionSummary: { OpenShardCount: opts.ourShards } as never });
  cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: opts.trails ?? [trail('org-trail', GROUP)] });
  logs.on(DescribeLogGroupsCommand).resolves({ logGroups: (opts.groups ?? [GROUP]).map((logGroupName) => ({ logGroupName })) });
  logs.on(DescribeSubscriptionFiltersCommand).resolves({ subscriptionFilters: opts.filters ?? [] });
}

afterEach(() => {
  cloudtrail.reset();
  logs.reset();
  kinesis.reset();
});

describe('validateBeforeWrite', () => {
  it('reads no trail or group when CloudTrail is off in this region', async () => {
    world();
    await validateBeforeWrite(testConfig({ EnableCloudTrail: 'false' }), ctx);
    expect([...sentRequests(cloudtrail), ...sentRequests(logs)]).toEqual([]);
    expect(sentRequests(kinesis)).toEqual([
      ['DescribeLimitsCommand', {}],
      ['DescribeStreamSummaryCommand', { StreamName: 'siem-test' }],
    ]);
  });

  it.each([
    ['a new stream of 5 shards with 195 of 200 open: allowed', { ShardCount: '5' }, 195, undefined, false],
    ['a new stream of 6 shards with 195 of 200 open: refused', { ShardCount: '6' }, 195, undefined, true],
    ['growing our stream from 2 to 8 shards with 195 of 200 open: refused', { ShardCount: '8' }, 195, 2, true],
    ['growing our stream from 4 to 8 shards with 196 of 200 open: allowed', { ShardCount: '8' }, 196, 4, false],
    ['shrinking our stream with every shard in use: allowed', { ShardCount: '1' }, 200, 4, false],
    ['an on-demand stream (no shard quota): allowed', { StreamMode: 'ON_DEMAND' }, 200, undefined, false],
  ])('shard quota: %s', async (_case, props: Record<string, string>, openShards, ourShards, refused) => {
    world({ openShards, ...(ourShards !== undefined ? { ourShards } : {}) });
    const p = validateBeforeWrite(testConfig({ EnableCloudTrail: 'false', ...props }), ctx);
    if (refused)
      await expect(p).rejects.toThrow(
        new RegExp(
          `^ShardCount ${props.ShardCount} needs \\d+ more shard\\(s\\), but the account already has ${openShards} of its 200-shard Kinesis quota open in ${R}`,
        ),
      );
    else await expect(p).resolves.toBeUndefined();
  });

  it("accepts a reused group that exists, is a trail's group and has a free slot, reading only", async () => {
    world({ filters: [filter('org-archive', 'archive')] });
    await expect(validateBeforeWrite(reuse, ctx)).resolves.toBeUndefined();
    expect(sentRequests(cloudtrail)).toEqual([['DescribeTrailsCommand', { includeShadowTrails: true }]]);
    expect(sentRequests(logs)).toEqual([
      ['DescribeLogGroupsCommand', { logGroupNamePrefix: GROUP }],
      ['DescribeSubscriptionFiltersCommand', { logGroupName: GROUP }],
    ]);
  });

  it.each([
    ['the group does not exist', { groups: [`${GROUP}-other`] }, `ExistingTrailLogGroup ${GROUP} does not exist in account ${A}, region ${R}`],
    [
      'no trail delivers to it',
      { trails: [trail('org-trail', 'other/group'), trail('plain')] },
      `ExistingTrailLogGroup ${GROUP} is not the CloudWatch Logs group of any trail in account ${A}, region ${R} (DescribeTrails)`,
    ],
    [
      'both filter slots are taken by others',
      { filters: [filter('a', 'x'), filter('b', 'y')] },
      `ExistingTrailLogGroup ${GROUP} already has as many subscription filters as CloudWatch Logs allows per group (a quota that cannot be raised): remove a filter of another consumer from it, or (for ExistingTrailLogGroup) leave ExistingTrailLogGroup empty`,
    ],
  ])('refuses a reused group when %s, naming ExistingTrailLogGroup', async (_case, w, message) => {
    world(w);
    kinesis.on(ListTagsForStreamCommand).resolves({ Tags: [], HasMoreTags: false });
    const err: unknown = await validateBeforeWrite(reuse, ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PreflightError);
    expect((err as Error).message).toContain(message);
  });

  it.each([
    ['ours is already there', [filter('org-archive', 'archive'), filter('siem-test-to-kinesis', 'siem-test')], []],
    [
      "the other one is this stack's previous pipeline name (a rename takes its slot)",
      [filter('org-archive', 'archive'), filter('siem-old-to-kinesis', 'siem-old')],
      [
        { Key: kinesisTagText(TAG_STACK), Value: kinesisTagText(TEST_STACK_ID) },
        { Key: 'siem-pipeline/reused-trail-log-group', Value: GROUP },
      ],
    ],
  ])('accepts a full group when %s', async (_case, filters, tags) => {
    world({ filters });
    kinesis.on(ListTagsForStreamCommand).resolves({ Tags: tags, HasMoreTags: false });
    await expect(validateBeforeWrite(reuse, ctx)).resolves.toBeUndefined();
  });

  it('refuses a reused group name longer than the 255 characters a stream tag holds', async () => {
    world();
    await expect(validateBeforeWrite(testConfig({ ExistingTrailLogGroup: 'g'.repeat(256) }), ctx)).rejects.toThrow(
      /ExistingTrailLogGroup g+ is longer than 255 characters/,
    );
  });

  it.each([
    ['5 trails apply to this region and ours is not one of them', true, ['a', 'b', 'c', 'd', 'e']],
    ['ours is one of the 5', false, ['a', 'b', 'c', 'd', 'siem-test']],
    ['4 trails apply', false, ['a', 'b', 'c', 'd']],
  ])('creating a trail when %s: refused %s', async (_case, refused, names) => {
    world({ trails: names.map((n) => trail(n)) });
    const p = validateBeforeWrite(testConfig(), ctx);
    if (refused) await expect(p).rejects.toThrow(`${R} already has the most trails CloudTrail allows (5 per region): set ExistingTrailLogGroup`);
    else await expect(p).resolves.toBeUndefined();
  });

  it.each([
    ['DescribeTrails', () => cloudtrail.on(DescribeTrailsCommand).rejects(awsError(ResourceNotFoundException, 'denied'))],
    ['DescribeSubscriptionFilters', () => logs.on(DescribeSubscriptionFiltersCommand).rejects(awsError(ResourceNotFoundException, 'gone meanwhile'))],
  ])('names the check when a read (%s) fails', async (_case, arrange) => {
    world();
    arrange();
    await expect(validateBeforeWrite(reuse, ctx)).rejects.toThrow(/^validate references failed: ResourceNotFoundException/);
  });
});
