import { DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { makeHarness, scanLogsForSecrets, type Harness } from './harness';

/** One account in four regions: IAM and multi-region trails shared (see test/fake/README.md, CloudTrail (multi-region)). */
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'eu-central-1'] as const;

function account(): Harness[] {
  const first = makeHarness();
  return [first, ...REGIONS.slice(1).map((r) => makeHarness({ account: first.fake.inRegion(r) }))];
}

interface TrailView {
  name: string;
  homeRegion: string;
  multiRegion: boolean;
}
const trails = (h: Harness) =>
  (h.fake.cloudtrail.snapshot() as TrailView[]).map((t) => `${t.name}@${t.homeRegion}${t.multiRegion ? ' (multi-region)' : ''}`).sort();
const bucketsOf = (h: Harness) => (h.fake.snapshot().s3 as { name: string }[]).map((b) => b.name);
const trailGroupsOf = (h: Harness) => (h.fake.snapshot().logs as { name: string }[]).map((g) => g.name).filter((n) => n.endsWith('/cloudtrail'));

describe('one trail per account, by construction (four regions of one account)', () => {
  it.each([
    ['default parameters, regions rolled out one after the other', 'us-east-1', {}],
    ['TrailHomeRegion from the StackSet parameters', 'ap-southeast-2', { TrailHomeRegion: 'ap-southeast-2' }],
  ])('%s: exactly one multi-region trail, homed in %s', async (_what, home, params) => {
    const hs = account();
    const props = { PipelineName: 'demo', ...params };
    for (const h of hs) expect((await h.simulateEvent('Create', props)).Status).toBe('SUCCESS');

    expect(trails(hs[0])).toEqual([`siem-demo@${home} (multi-region)`]);
    for (const h of hs) {
      // Every region sees the one trail (a shadow trail outside its home region); only the home has its bucket and log group.
      const seen = await h.fake.clients().cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
      expect((seen.trailList ?? []).map((t) => [t.Name, t.HomeRegion])).toEqual([['siem-demo', home]]);
      const isHome = h.fake.region === home;
      expect([h.fake.region, bucketsOf(h).length, trailGroupsOf(h).length]).toEqual([h.fake.region, isHome ? 1 : 0, isHome ? 1 : 0]);
    }
  });

  it('an Update elsewhere keeps the one trail; a Delete elsewhere leaves it; the home region deletes it', async () => {
    const hs = account();
    const props = { PipelineName: 'demo' };
    const ids: string[] = [];
    for (const h of hs) ids.push((await h.simulateEvent('Create', props)).PhysicalResourceId);
    const [home, other] = [hs[0], hs[1]];

    expect((await other.simulateEvent('Update', { ...props, LogRetentionDays: '3' }, { id: ids[1], props })).Status).toBe('SUCCESS');
    expect(trails(home)).toEqual(['siem-demo@us-east-1 (multi-region)']);
    expect([bucketsOf(other), trailGroupsOf(other)]).toEqual([[], []]);

    expect((await other.simulateEvent('Delete', props, { id: ids[1] })).Status).toBe('SUCCESS');
    expect(trails(home)).toEqual(['siem-demo@us-east-1 (multi-region)']);

    expect((await home.simulateEvent('Delete', props, { id: ids[0] })).Status).toBe('SUCCESS');
    expect(trails(home)).toEqual([]);
  });

  it('a trail of another pipeline or a single-region trail elsewhere does not move the home', async () => {
    const hs = account();
    hs[1].fake.cloudtrail.seedTrail({ name: 'siem-other', multiRegion: true });
    hs[2].fake.cloudtrail.seedTrail({ name: 'siem-demo', multiRegion: false });
    expect((await hs[0].simulateEvent('Create', { PipelineName: 'demo' })).Status).toBe('SUCCESS');
    expect(trails(hs[0])).toEqual(['siem-demo@ap-southeast-2', 'siem-demo@us-east-1 (multi-region)', 'siem-other@eu-west-1 (multi-region)']);
  });
});

scanLogsForSecrets([]);
