import { CloudTrailClient, DescribeTrailsCommand, type Trail } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { trailHomeElsewhere, withTrailHome } from '../../../src/engine/trail-home';
import { createTestContext, TEST_ACCOUNT, TEST_REGION, testConfig } from '../helpers/context';

const cloudtrail = mockClient(CloudTrailClient);
afterEach(() => cloudtrail.reset());

const trail = (over: Partial<Trail>): Trail => ({
  Name: 'siem-test',
  HomeRegion: 'us-east-1',
  IsMultiRegionTrail: true,
  IsOrganizationTrail: false,
  TrailARN: `arn:aws:cloudtrail:us-east-1:${TEST_ACCOUNT}:trail/siem-test`,
  ...over,
});

describe('trailHomeElsewhere', () => {
  it.each([
    ['our multi-region trail homed elsewhere', [trail({})], 'us-east-1'],
    ['our trail homed here', [trail({ HomeRegion: TEST_REGION, TrailARN: `arn:aws:cloudtrail:${TEST_REGION}:${TEST_ACCOUNT}:trail/siem-test` })], undefined],
    ["another pipeline's trail", [trail({ Name: 'siem-other' })], undefined],
    ['a single-region trail of our name', [trail({ IsMultiRegionTrail: false })], undefined],
    [
      'an organization trail of our name',
      [trail({ IsOrganizationTrail: true, TrailARN: 'arn:aws:cloudtrail:us-east-1:999999999999:trail/siem-test' })],
      undefined,
    ],
    ['no trail at all', [], undefined],
  ])('%s -> %s', async (_what, trailList, home) => {
    cloudtrail.on(DescribeTrailsCommand, { includeShadowTrails: true }).resolves({ trailList });
    const { ctx } = createTestContext();
    await expect(trailHomeElsewhere(testConfig(), ctx)).resolves.toBe(home);
    expect(cloudtrail.commandCalls(DescribeTrailsCommand).map((c) => c.args[0].input)).toEqual([{ includeShadowTrails: true }]);
  });

  it.each([
    ['CloudTrail off', { EnableCloudTrail: 'false' }],
    ['an explicit home region (StackSets)', { TrailHomeRegion: 'us-west-2' }],
    ['a reused trail log group', { ExistingTrailLogGroup: 'corp-trail' }],
  ])('asks nothing with %s', async (_what, props) => {
    const { ctx } = createTestContext();
    await expect(trailHomeElsewhere(testConfig(props), ctx)).resolves.toBeUndefined();
    expect(cloudtrail.calls()).toEqual([]);
  });

  it('fails when DescribeTrails fails', async () => {
    cloudtrail.on(DescribeTrailsCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(trailHomeElsewhere(testConfig(), createTestContext().ctx)).rejects.toThrow('not authorized');
  });
});

describe('withTrailHome', () => {
  it.each([
    [{}, 'us-east-1', 'us-east-1'],
    [{}, undefined, undefined],
    [{ TrailHomeRegion: 'us-west-2' }, 'us-east-1', 'us-west-2'],
  ])('%j with %s found -> home %s', (props, found, home) => {
    expect(withTrailHome(testConfig(props), found).cloudTrail.homeRegion).toBe(home);
  });
});
