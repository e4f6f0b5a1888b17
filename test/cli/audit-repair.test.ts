import { DEPLOYED_PROPS, deployPipeline, EXTERNAL_ID, PARAM_FLAGS, type Deployed } from '../unit/cli/helpers';
import type { FakeAccount } from '../fake/account';
import { makeHarness, STACK_ID } from '../lifecycle/harness';
import { GAPS, putStack, runOn } from './stack';

const REPAIR_FIX = 'fix: aws-siem-pipeline repair --stack siem --region us-east-1';

describe('audit --stack and repair --stack against the fake account', () => {
  let d: Deployed;
  beforeEach(async () => {
    d = await deployPipeline();
    putStack(d.fake);
  });

  it('a clean account: audit --stack reads the properties from CloudFormation, exits 0, covers every source, writes nothing', async () => {
    d.fake.resetCalls();
    const { code, out, err } = await runOn(d, ['audit', '--stack', 'siem', '--region', 'us-east-1']);

    expect(err).toBe('audited us-east-1: 15 ok, 0 finding(s)\n');
    expect(code).toBe(0);
    expect(d.fake.calls.filter((c) => c.service === 'cloudformation').map((c) => c.command)).toEqual(['DescribeStacks', 'DescribeStackResources']);
    expect(d.fake.writes()).toEqual([]);
    expect(out).toContain('Sources:\n  CloudTrail: 1/1 covered\n  VPC flow logs: 3/3 covered\n  GuardDuty: 1/1 covered\n  aws.securityhub: 1/1 covered\n');
    expect(out).toContain('Nothing to report.');
    // The NoEcho ExternalId was learnt from the live role to compare its trust policy, and is never printed.
    expect(out + err).not.toContain(EXTERNAL_ID);
  });

  it.each(GAPS)('$gap: audit exits 1 naming $component and the fix; repair fixes it and a second audit exits 0', async ({ component, says, plant }) => {
    await plant(d.fake);

    const audit = await runOn(d, ['audit', '--stack', 'siem', '--region', 'us-east-1']);
    expect(audit.code).toBe(1);
    expect(audit.out).toMatch(says);
    expect(audit.out).toContain(REPAIR_FIX);
    expect(audit.out).toMatch(new RegExp(`^${component} +yes +drifted +DRIFTED`, 'm'));

    const repair = await runOn(d, ['repair', '--stack', 'siem', '--region', 'us-east-1']);
    expect(repair.err).not.toMatch(/error/);
    expect(repair.out).toMatch(new RegExp(`^Repaired in us-east-1:\\n(  .*\\n)*  change ${component}`, 'm'));
    expect(repair.out).toContain('Nothing to report.');
    expect(repair.code).toBe(0);

    const again = await runOn(d, ['audit', '--stack', 'siem', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ findings: 0 });
    for (const r of [audit, repair, again]) expect(r.out + r.err).not.toContain(EXTERNAL_ID);
  });

  it('--regions all audits every enabled region of the account, in order', async () => {
    const west = d.fake.inRegion('us-west-2');
    const { code, out } = await runOn(d, ['audit', '--stack', 'siem', '--regions', 'all', '--json'], {
      listRegions: async () => ['us-west-2', 'us-east-1'],
      regionalClientOptions: (region) => ({ ...d.clientOptions, decorate: (region === 'us-west-2' ? west : d.fake).decorate }),
    });
    const report = JSON.parse(out) as { regions: { region: string; skipped?: string }[]; findings: number };
    expect(report.regions.map((r) => [r.region, r.skipped])).toEqual([
      ['us-east-1', undefined],
      ['us-west-2', 'no stack siem in us-west-2'],
    ]);
    expect(report.findings).toBe(0);
    expect(code).toBe(0);
  });

  it('a mistyped --stack is bad input naming the flag (exit 2), not a table of missing components', async () => {
    const { code, out, err } = await runOn(d, ['audit', '--stack', 'siemm']);
    expect(err).toMatch(/^error: --stack 'siemm' does not exist in us-east-1; allowed values: a stack of this account and region/);
    expect(out).toBe('');
    expect(code).toBe(2);
  });

  it('repair --dry-run plans and writes nothing', async () => {
    await GAPS[3].plant(d.fake);
    d.fake.resetCalls();
    const { code, out } = await runOn(d, ['repair', '--stack', 'siem', '--dry-run']);
    expect(out).toMatch(/^trail +change +not logging$/m);
    expect(code).toBe(1);
    expect(d.fake.writes()).toEqual([]);
  });

  it('repair that is denied a write exits 3 naming the step, the call and the permission', async () => {
    await GAPS[3].plant(d.fake);
    d.fake.failWhen((c) => c.command === 'StartLogging');
    const { code, err } = await runOn(d, ['repair', '--stack', 'siem']);
    expect(err).toMatch(/^error: repair could not run: access denied \(ensure trail\): CloudTrail:StartLogging needs cloudtrail:StartLogging: /m);
    expect(code).toBe(3);
  });

  it('repair refuses --stack-id (no permissions boundary to give the roles) with exit 2, before any write', async () => {
    d.fake.resetCalls();
    const { code, err } = await runOn(d, ['repair', '--stack-id', STACK_ID, ...PARAM_FLAGS]);
    expect(code).toBe(2);
    expect(err).toMatch(/repair needs --stack NAME\|ARN: the roles it may create take the stack's permissions boundary/);
    expect(d.fake.writes()).toEqual([]);
  });

  it('audit --regions: each region is audited against its own stack; a region without one is skipped; the trail managed elsewhere is not absent', async () => {
    const eu = makeHarness({ account: d.fake.inRegion('eu-west-1') });
    eu.fake.ec2.seedVpcs(2);
    expect((await eu.simulateEvent('Create', DEPLOYED_PROPS)).Status).toBe('SUCCESS');
    putStack(eu.fake, 'CREATE_COMPLETE', STACK_ID.replace(':us-east-1:', ':eu-west-1:'));
    const [uncovered] = eu.fake.ec2.seedVpcs(1);
    const fakes: Record<string, FakeAccount> = { 'us-east-1': d.fake, 'eu-west-1': eu.fake, 'ap-south-1': d.fake.inRegion('ap-south-1') };
    const options = (region: string) => ({ ...d.clientOptions, decorate: fakes[region].decorate });

    const { code, out, err } = await runOn(d, ['audit', '--stack', 'siem', '--regions', 'us-east-1,eu-west-1,ap-south-1'], { regionalClientOptions: options });

    expect(err.split('\n').sort()).toEqual([
      '',
      'audited ap-south-1: no stack siem in ap-south-1',
      'audited eu-west-1: 14 ok, 1 finding(s)',
      'audited us-east-1: 15 ok, 0 finding(s)',
    ]);
    expect(out).toContain('Region ap-south-1: skipped (no stack siem in ap-south-1)');
    expect(out).toContain(`flow-logs: drifted: no flow log on ${uncovered}\n    fix: aws-siem-pipeline repair --stack siem --region eu-west-1`);
    // eu-west-1's stack has an empty TrailHomeRegion: the trail is us-east-1's, so it is neither wanted nor absent here.
    expect(out).toMatch(/^trail +no +absent +ok$/m);
    expect(out).toContain('CloudTrail: not collected here (trail managed from us-east-1)');
    expect(out).toContain('VPC flow logs: 2/3 covered');
    expect(code).toBe(1);
  });
});
