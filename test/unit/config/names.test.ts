import { IAM_PATH, NAME_LIMITS, ownershipTags, partitionOf, pipelineNames, TAG_NAME, TAG_STACK } from '../../../src/config/names';

const LONGEST_NAME = 'abcdefghij-klmnopq99'; // 20 characters, the PipelineName maximum
const ACCOUNT = '123456789012';
const REGIONS = ['us-east-1', 'ap-southeast-5', 'us-gov-west-1', 'us-isob-east-1', 'eu-central-2', 'zz-madeupregionxx-9'.padEnd(20, 'q')];

describe('pipelineNames', () => {
  it('uses a 20-character made-up region in the table below', () => {
    expect(REGIONS[5]).toHaveLength(20);
    expect(LONGEST_NAME).toHaveLength(20);
  });

  describe.each(REGIONS)('in %s with the longest pipeline name', (region) => {
    const n = pipelineNames(LONGEST_NAME, region, ACCOUNT);

    it.each(['siemUser', 'siemRole', 'logsRole', 'eventsRole', 'flowLogsRole', 'trailRole'] as const)(
      'IAM name %s fits 64 characters and carries the region',
      (key) => {
        expect(n[key].length).toBeLessThanOrEqual(NAME_LIMITS.iamName);
        expect(n[key]).toMatch(/^[\w+=,.@-]+$/);
        expect(n[key]).toContain(region);
      },
    );

    it('bucket name is lowercase, at most 63 characters, valid for S3', () => {
      expect(n.trailBucket.length).toBeLessThanOrEqual(NAME_LIMITS.bucket);
      expect(n.trailBucket).toMatch(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/);
      expect(n.trailBucket).toBe(`siem-${LONGEST_NAME}-${ACCOUNT}-${region}`);
    });

    it.each(['guardDutyRule'] as const)('rule name %s fits 64 characters', (key) => {
      expect(n[key].length).toBeLessThanOrEqual(NAME_LIMITS.rule);
      expect(n[key]).toMatch(/^[.\-_A-Za-z0-9]+$/);
    });

    it('stream, trail, log group and secret names fit their limits', () => {
      expect(n.streamName.length).toBeLessThanOrEqual(NAME_LIMITS.stream);
      expect(n.trailName.length).toBeLessThanOrEqual(NAME_LIMITS.trail);
      expect(n.cloudTrailLogGroup.length).toBeLessThanOrEqual(NAME_LIMITS.logGroup);
      expect(n.flowLogGroup.length).toBeLessThanOrEqual(NAME_LIMITS.logGroup);
      expect(n.siemSecret.length).toBeLessThanOrEqual(512);
    });

    it.each([
      ['aws.securityhub', 'aws.securityhub'],
      ['aws.some-very-long-service-name.with-parts', 'aws.some-very-long-service-name.with-parts'],
      ['a 204-character source', `aws.${'x'.repeat(200)}`],
    ])('sourceRule(%s) fits 64 characters', (_label, source) => {
      const rule = n.sourceRule(source);
      expect(rule.length).toBeLessThanOrEqual(NAME_LIMITS.rule);
      expect(rule).toMatch(/^[.\-_A-Za-z0-9]+$/);
      expect(n.sourceRulePrefix).toBe(`siem-${LONGEST_NAME}-src-`);
      // event-sources finds stale rules by this prefix, so every source rule must start with it
      expect(rule.startsWith(n.sourceRulePrefix)).toBe(true);
    });
  });

  it('builds the exact names for a typical pipeline', () => {
    const n = pipelineNames('prod', 'eu-west-1', ACCOUNT);
    expect(n).toMatchObject({
      streamName: 'siem-prod',
      streamArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/siem-prod',
      iamPath: IAM_PATH,
      policyName: 'siem-pipeline',
      siemUser: 'siem-prod-eu-west-1-reader',
      siemRole: 'siem-prod-eu-west-1-reader',
      siemSecret: 'siem-pipeline/prod/reader-access-key',
      logsRole: 'siem-prod-eu-west-1-cwl-to-kinesis',
      eventsRole: 'siem-prod-eu-west-1-events-to-kinesis',
      flowLogsRole: 'siem-prod-eu-west-1-flowlogs-to-cwl',
      trailRole: 'siem-prod-eu-west-1-trail-to-cwl',
      trailName: 'siem-prod',
      trailBucket: 'siem-prod-123456789012-eu-west-1',
      cloudTrailLogGroup: '/siem-pipeline/prod/cloudtrail',
      flowLogGroup: '/siem-pipeline/prod/vpc-flow-logs',
      subscriptionFilter: 'siem-prod-to-kinesis',
      guardDutyRule: 'siem-prod-guardduty',
    });
    expect(n.sourceRule('aws.securityhub')).toBe('siem-prod-src-securityhub');
    expect(n.sourceRule('aws.access-analyzer')).toBe('siem-prod-src-access-analyzer');
    expect(n.roleArn(n.logsRole)).toBe('arn:aws:iam::123456789012:role/siem-pipeline/siem-prod-eu-west-1-cwl-to-kinesis');
    expect(n.logGroupArn(n.flowLogGroup)).toBe('arn:aws:logs:eu-west-1:123456789012:log-group:/siem-pipeline/prod/vpc-flow-logs');
  });

  it('is deterministic', () => {
    const a = pipelineNames(LONGEST_NAME, 'ap-southeast-5', ACCOUNT);
    const b = pipelineNames(LONGEST_NAME, 'ap-southeast-5', ACCOUNT);
    const plain = (n: typeof a) => ({
      ...n,
      sourceRule: n.sourceRule('aws.some-very-long-service-name.with-parts'),
      roleArn: n.roleArn('r'),
      logGroupArn: n.logGroupArn('g'),
    });
    expect(plain(a)).toEqual(plain(b));
    expect(a.sourceRule('aws.some-very-long-service-name.with-parts')).toBe('siem-abcdefghij-klmnopq99-src-some-very-long-service-na-e5d3d49b');
  });

  it('gives distinct sources distinct rule names, also when they must be shortened', () => {
    const n = pipelineNames(LONGEST_NAME, 'ap-southeast-5', ACCOUNT);
    const long = 'aws.some-very-long-service-name.with-parts';
    const sources = [
      long,
      `${long}-a`,
      `${long}-b`,
      `${long}.a`,
      'aws.a.b',
      'aws.a-b',
      'aws.securityhub',
      'aws.inspector2',
      `aws.${'x'.repeat(100)}1`,
      `aws.${'x'.repeat(100)}2`,
    ];
    const rules = sources.map((s) => n.sourceRule(s));
    expect(new Set(rules).size).toBe(sources.length);
    for (const r of rules) expect(r.length).toBeLessThanOrEqual(NAME_LIMITS.rule);
  });

  it('keeps short source rule names readable and unhashed', () => {
    expect(pipelineNames('p1', 'us-east-1', ACCOUNT).sourceRule('aws.some-very-long-service-name.with-parts')).toBe(
      'siem-p1-src-some-very-long-service-name.with-parts',
    );
  });

  it.each([
    ['us-gov-west-1', 'aws-us-gov'],
    ['cn-north-1', 'aws-cn'],
    ['us-isob-east-1', 'aws-iso-b'],
  ])('puts the partition of %s into ARNs', (region, partition) => {
    const n = pipelineNames('prod', region, ACCOUNT);
    expect(n.streamArn).toBe(`arn:${partition}:kinesis:${region}:${ACCOUNT}:stream/siem-prod`);
    expect(n.roleArn('r')).toBe(`arn:${partition}:iam::${ACCOUNT}:role/siem-pipeline/r`);
  });
});

describe('partitionOf', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-central-2', 'aws'],
    ['ap-southeast-5', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-iso-west-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
    ['us-isof-south-1', 'aws-iso-f'],
  ])('%s -> %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });
});

describe('ownershipTags', () => {
  it('tags the pipeline name and the stack id', () => {
    expect(ownershipTags('prod', 'arn:aws:cloudformation:us-east-1:123456789012:stack/s/1')).toEqual({
      [TAG_NAME]: 'prod',
      [TAG_STACK]: 'arn:aws:cloudformation:us-east-1:123456789012:stack/s/1',
    });
    expect([TAG_NAME, TAG_STACK]).toEqual(['siem-pipeline:name', 'siem-pipeline:stack']);
  });
});
