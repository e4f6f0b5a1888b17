import { type PipelineConfig } from '../../../src/config/pipeline-config';
import { LOG_RETENTION_DAYS } from '../../../src/sources/core/operations';
import { ALLOWED_PROPERTIES, parseConfig } from '../../../src/sources/parse';
import { ConfigError } from '../../../src/support/errors';

const base = { PipelineName: 'prod' };

/** The ConfigError parseConfig throws for `props` (fails the test if it does not throw one). */
function problemsOf(props: Record<string, unknown> | undefined): readonly string[] {
  let caught: unknown;
  try {
    parseConfig(props);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  return (caught as ConfigError).problems;
}

const DEFAULTS: PipelineConfig = {
  name: 'prod',
  stream: { mode: 'PROVISIONED', shardCount: 1, retentionHours: 24 },
  siemAccess: { kind: 'IamUser', rotationToken: '1', secretReaders: [] },
  logRetentionDays: 1,
  cloudTrail: { enabled: true, bucketExpirationDays: 7 },
  flowLogs: { enabled: true, trafficType: 'ALL', maxAggregationInterval: 600, dropNoData: true },
  guardDuty: { enabled: true, createDetector: true, findingFrequency: 'FIFTEEN_MINUTES', onDelete: 'Retain' },
  eventSources: [],
};

describe('parseConfig', () => {
  it('fills every default from PipelineName alone', () => {
    expect(parseConfig(base)).toEqual(DEFAULTS);
  });

  it('treats empty strings as "not set"', () => {
    expect(parseConfig({ ...base, StreamMode: '', ShardCount: '', SiemExternalId: '', ExtraEventSources: '' })).toEqual(DEFAULTS);
  });

  it('ignores ServiceToken and ServiceTimeout that CloudFormation adds', () => {
    expect(parseConfig({ ...base, ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:f', ServiceTimeout: '300' })).toEqual(DEFAULTS);
  });

  it.each([
    ['StreamMode', 'ON_DEMAND', { stream: { ...DEFAULTS.stream, mode: 'ON_DEMAND' } }],
    ['StreamMode', 'PROVISIONED', { stream: DEFAULTS.stream }],
    ['ShardCount', '1', { stream: DEFAULTS.stream }],
    ['ShardCount', '500', { stream: { ...DEFAULTS.stream, shardCount: 500 } }],
    ['ShardCount', ' 4 ', { stream: { ...DEFAULTS.stream, shardCount: 4 } }],
    ['RetentionHours', '8760', { stream: { ...DEFAULTS.stream, retentionHours: 8760 } }],
    ['AccessKeyRotation', '2024-06-01.v2', { siemAccess: { kind: 'IamUser', rotationToken: '2024-06-01.v2', secretReaders: [] } }],
    [
      'SecretReaderArns',
      'arn:aws:iam::123456789012:role/siem-connector, arn:aws:iam::210987654321:user/team/reader',
      {
        siemAccess: { ...DEFAULTS.siemAccess, secretReaders: ['arn:aws:iam::123456789012:role/siem-connector', 'arn:aws:iam::210987654321:user/team/reader'] },
      },
    ],
    [
      'SecretKmsKeyArn',
      'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      { siemAccess: { ...DEFAULTS.siemAccess, secretKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' } },
    ],
    ['LogRetentionDays', '3653', { logRetentionDays: 3653 }],
    ['LogRetentionDays', '14', { logRetentionDays: 14 }],
    ['EnableCloudTrail', 'false', { cloudTrail: { ...DEFAULTS.cloudTrail, enabled: false } }],
    ['ExistingTrailLogGroup', 'aws-cloudtrail-logs/org#1', { cloudTrail: { ...DEFAULTS.cloudTrail, existingLogGroup: 'aws-cloudtrail-logs/org#1' } }],
    ['TrailHomeRegion', 'us-gov-west-1', { cloudTrail: { ...DEFAULTS.cloudTrail, homeRegion: 'us-gov-west-1' } }],
    ['TrailHomeRegion', 'ap-southeast-5', { cloudTrail: { ...DEFAULTS.cloudTrail, homeRegion: 'ap-southeast-5' } }],
    ['TrailBucketExpirationDays', '3650', { cloudTrail: { ...DEFAULTS.cloudTrail, bucketExpirationDays: 3650 } }],
    ['EnableFlowLogs', 'FALSE', { flowLogs: { ...DEFAULTS.flowLogs, enabled: false } }],
    ['FlowLogTrafficType', 'REJECT', { flowLogs: { ...DEFAULTS.flowLogs, trafficType: 'REJECT' } }],
    ['FlowLogAggregationInterval', '60', { flowLogs: { ...DEFAULTS.flowLogs, maxAggregationInterval: 60 } }],
    ['FlowLogFormat', '${version} ${srcaddr} ${dstaddr}', { flowLogs: { ...DEFAULTS.flowLogs, logFormat: '${version} ${srcaddr} ${dstaddr}' } }],
    ['FlowLogDropNoData', 'False', { flowLogs: { ...DEFAULTS.flowLogs, dropNoData: false } }],
    ['EnableGuardDuty', 'fAlSe', { guardDuty: { ...DEFAULTS.guardDuty, enabled: false } }],
    ['CreateGuardDutyDetector', 'false', { guardDuty: { ...DEFAULTS.guardDuty, createDetector: false } }],
    ['GuardDutyFindingFrequency', 'SIX_HOURS', { guardDuty: { ...DEFAULTS.guardDuty, findingFrequency: 'SIX_HOURS' } }],
    ['GuardDutyOnDelete', 'Delete', { guardDuty: { ...DEFAULTS.guardDuty, onDelete: 'Delete' } }],
    ['ExtraEventSources', 'aws.securityhub, aws.health, aws.securityhub', { eventSources: ['aws.securityhub', 'aws.health'] }],
    ['ExtraEventSources', 'aws.guardduty,aws.access-analyzer', { eventSources: ['aws.access-analyzer'] }],
  ] as const)('accepts %s=%j', (key, value, expected) => {
    expect(parseConfig({ ...base, [key]: value })).toEqual({ ...DEFAULTS, ...expected });
  });

  it.each(['true', 'TRUE', 'True', 'tRuE'])('reads %j as true', (value) => {
    expect(parseConfig({ ...base, EnableCloudTrail: 'false', EnableGuardDuty: value }).guardDuty.enabled).toBe(true);
  });

  it.each(['false', 'FALSE', 'False', 'fAlSe'])('reads %j as false', (value) => {
    expect(parseConfig({ ...base, EnableFlowLogs: value }).flowLogs.enabled).toBe(false);
  });

  it('accepts each pipeline name length from 2 to 20', () => {
    for (const name of ['ab', 'a1', 'a-b', 'abcdefghij-klmnopq99']) expect(parseConfig({ PipelineName: name }).name).toBe(name);
  });

  it.each(LOG_RETENTION_DAYS.map((d) => [d]))('accepts LogRetentionDays %d', (days) => {
    expect(parseConfig({ ...base, LogRetentionDays: String(days) }).logRetentionDays).toBe(days);
  });

  it('reads a CrossAccountRole with its account and external id', () => {
    expect(parseConfig({ ...base, SiemAccess: 'CrossAccountRole', SiemAccountId: '210987654321', SiemExternalId: 'ext-Id_1+=,.@:/' }).siemAccess).toEqual({
      kind: 'CrossAccountRole',
      trustedAccountId: '210987654321',
      externalId: 'ext-Id_1+=,.@:/',
    });
  });

  const NAME_RULE = '2-20 characters: lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen';
  it.each([
    ['PipelineName', 'Prod', `PipelineName 'Prod' is not allowed; allowed values: ${NAME_RULE}`],
    [
      'SecretReaderArns',
      'arn:aws:iam::123456789012:root',
      "SecretReaderArns has invalid item(s) 'arn:aws:iam::123456789012:root'; allowed values: comma-separated IAM role or user ARNs such as arn:aws:iam::123456789012:role/siem-connector",
    ],
    [
      'SecretKmsKeyArn',
      'alias/aws/secretsmanager',
      "SecretKmsKeyArn 'alias/aws/secretsmanager' is not allowed; allowed values: a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), or empty for the AWS managed key",
    ],
    ['PipelineName', 'a', `PipelineName 'a' is not allowed; allowed values: ${NAME_RULE}`],
    ['PipelineName', 'prod-', `PipelineName 'prod-' is not allowed; allowed values: ${NAME_RULE}`],
    ['PipelineName', '1prod', `PipelineName '1prod' is not allowed; allowed values: ${NAME_RULE}`],
    ['PipelineName', 'abcdefghij-klmnopq991', `PipelineName 'abcdefghij-klmnopq991' is not allowed; allowed values: ${NAME_RULE}`],
    ['PipelineName', 'pro_d', `PipelineName 'pro_d' is not allowed; allowed values: ${NAME_RULE}`],
    ['StreamMode', 'on_demand', "StreamMode 'on_demand' is not allowed; allowed values: PROVISIONED, ON_DEMAND"],
    ['ShardCount', '0', "ShardCount '0' is not allowed; allowed values: a whole number from 1 to 500"],
    ['ShardCount', '501', "ShardCount '501' is not allowed; allowed values: a whole number from 1 to 500"],
    ['ShardCount', '1.5', "ShardCount '1.5' is not allowed; allowed values: a whole number from 1 to 500"],
    ['ShardCount', 'two', "ShardCount 'two' is not allowed; allowed values: a whole number from 1 to 500"],
    ['ShardCount', '1e2', "ShardCount '1e2' is not allowed; allowed values: a whole number from 1 to 500"],
    ['RetentionHours', '23', "RetentionHours '23' is not allowed; allowed values: a whole number from 24 to 8760"],
    ['RetentionHours', '8761', "RetentionHours '8761' is not allowed; allowed values: a whole number from 24 to 8760"],
    ['SiemAccess', 'Role', "SiemAccess 'Role' is not allowed; allowed values: IamUser, CrossAccountRole"],
    ['AccessKeyRotation', 'has space', "AccessKeyRotation 'has space' is not allowed; allowed values: up to 64 letters, digits and . _ : -"],
    ['SiemAccountId', '12345678901', "SiemAccountId '12345678901' is not allowed; allowed values: a 12-digit AWS account id"],
    ['LogRetentionDays', '2', `LogRetentionDays '2' is not allowed; allowed values: ${LOG_RETENTION_DAYS.join(', ')}`],
    ['LogRetentionDays', '7.0', `LogRetentionDays '7.0' is not allowed; allowed values: ${LOG_RETENTION_DAYS.join(', ')}`],
    ['EnableCloudTrail', 'yes', "EnableCloudTrail 'yes' is not allowed; allowed values: true, false"],
    [
      'ExistingTrailLogGroup',
      'bad group',
      "ExistingTrailLogGroup 'bad group' is not allowed; allowed values: a CloudWatch Logs group name (letters, digits, _ - / . #)",
    ],
    ['TrailHomeRegion', 'useast1', "TrailHomeRegion 'useast1' is not allowed; allowed values: an AWS region name such as us-east-1, or empty for this region"],
    ['TrailBucketExpirationDays', '0', "TrailBucketExpirationDays '0' is not allowed; allowed values: a whole number from 1 to 3650"],
    ['EnableFlowLogs', '1', "EnableFlowLogs '1' is not allowed; allowed values: true, false"],
    ['FlowLogTrafficType', 'all', "FlowLogTrafficType 'all' is not allowed; allowed values: ALL, ACCEPT, REJECT"],
    ['FlowLogAggregationInterval', '300', "FlowLogAggregationInterval '300' is not allowed; allowed values: 60, 600"],
    [
      'FlowLogFormat',
      '${version},${srcaddr}',
      "FlowLogFormat '${version},${srcaddr}' is not allowed; allowed values: space-separated ${field} names, or empty for the AWS default format",
    ],
    ['FlowLogDropNoData', 'no', "FlowLogDropNoData 'no' is not allowed; allowed values: true, false"],
    ['EnableGuardDuty', 'on', "EnableGuardDuty 'on' is not allowed; allowed values: true, false"],
    ['CreateGuardDutyDetector', 't', "CreateGuardDutyDetector 't' is not allowed; allowed values: true, false"],
    ['GuardDutyFindingFrequency', 'ONE_DAY', "GuardDutyFindingFrequency 'ONE_DAY' is not allowed; allowed values: FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS"],
    ['GuardDutyOnDelete', 'delete', "GuardDutyOnDelete 'delete' is not allowed; allowed values: Retain, Delete"],
    [
      'ExtraEventSources',
      'aws.securityhub,securityhub,AWS.health',
      "ExtraEventSources has invalid item(s) 'securityhub', 'AWS.health'; allowed values: comma-separated EventBridge sources such as aws.securityhub, aws.access-analyzer, aws.health",
    ],
    ...[',aws.health', 'aws.health,', 'aws.securityhub,,aws.health'].map((value) => [
      'ExtraEventSources',
      value,
      'ExtraEventSources has an empty item (a leading, trailing or doubled comma); allowed values: comma-separated EventBridge sources such as aws.securityhub, aws.access-analyzer, aws.health',
    ]),
  ])('rejects %s=%j naming the property and the allowed values', (key, value, problem) => {
    expect(problemsOf({ ...base, [key]: value })).toEqual([problem]);
  });

  it('puts every problem into the ConfigError message', () => {
    expect(() => parseConfig({ ...base, StreamMode: 'x' })).toThrow(new ConfigError(["StreamMode 'x' is not allowed; allowed values: PROVISIONED, ON_DEMAND"]));
    expect(() => parseConfig({ ...base, StreamMode: 'x' })).toThrow(
      "Invalid properties: StreamMode 'x' is not allowed; allowed values: PROVISIONED, ON_DEMAND",
    );
  });

  it.each([[undefined], [{}], [{ PipelineName: '' }]])('requires PipelineName (%j) and says what it allows', (props) => {
    expect(problemsOf(props)).toEqual([`PipelineName is required; allowed values: ${NAME_RULE}`]);
  });

  it('reports several problems at once, in property order', () => {
    expect(problemsOf({ PipelineName: 'Bad', ShardCount: '0', EnableGuardDuty: 'maybe', Bogus: '1' })).toEqual([
      `PipelineName 'Bad' is not allowed; allowed values: ${NAME_RULE}`,
      "ShardCount '0' is not allowed; allowed values: a whole number from 1 to 500",
      "EnableGuardDuty 'maybe' is not allowed; allowed values: true, false",
      `unknown properties Bogus; allowed properties: ${ALLOWED_PROPERTIES.join(', ')}`,
    ]);
  });

  it('rejects unknown properties and lists the allowed ones', () => {
    expect(problemsOf({ ...base, StreamMod: 'ON_DEMAND', shardCount: '2' })).toEqual([
      `unknown properties StreamMod, shardCount; allowed properties: ${ALLOWED_PROPERTIES.join(', ')}`,
    ]);
  });

  it('allows at most 20 extra event sources', () => {
    const sources = Array.from({ length: 21 }, (_, i) => `aws.service${i}`).join(',');
    expect(problemsOf({ ...base, ExtraEventSources: sources })).toEqual(['ExtraEventSources allows at most 20 sources']);
  });

  it('allows at most 10 SecretReaderArns', () => {
    const arns = Array.from({ length: 11 }, (_, i) => `arn:aws:iam::123456789012:role/r${i}`).join(',');
    expect(problemsOf({ ...base, SecretReaderArns: arns })).toEqual(['SecretReaderArns allows at most 10 principals']);
  });

  it.each([
    ['SecretReaderArns', 'arn:aws:iam::123456789012:role/r'],
    ['SecretKmsKeyArn', 'arn:aws:kms:eu-west-1:123456789012:key/k-1'],
  ])('refuses %s with CrossAccountRole (no secret is kept)', (name, value) => {
    const role = { ...base, SiemAccess: 'CrossAccountRole', SiemAccountId: '210987654321', SiemExternalId: 'ext-id-1' };
    expect(problemsOf({ ...role, [name]: value })).toEqual([`${name} applies only when SiemAccess is IamUser (CrossAccountRole keeps no secret)`]);
  });

  describe('CrossAccountRole', () => {
    it.each([
      [{}, ['SiemAccountId is required when SiemAccess is CrossAccountRole', 'SiemExternalId is required when SiemAccess is CrossAccountRole']],
      [{ SiemAccountId: '210987654321' }, ['SiemExternalId is required when SiemAccess is CrossAccountRole']],
      [{ SiemExternalId: 'ext-id-1' }, ['SiemAccountId is required when SiemAccess is CrossAccountRole']],
    ])('with %j reports %j', (extra, problems) => {
      expect(problemsOf({ ...base, SiemAccess: 'CrossAccountRole', ...extra })).toEqual(problems);
    });

    it('reports a malformed account id once, not also as missing', () => {
      expect(problemsOf({ ...base, SiemAccess: 'CrossAccountRole', SiemAccountId: 'abc', SiemExternalId: 'ext-id-1' })).toEqual([
        "SiemAccountId 'abc' is not allowed; allowed values: a 12-digit AWS account id",
      ]);
    });

    it.each([
      ['a character the pattern forbids', 'super secret external id!'],
      ['a one-character value', 'Q'],
      ['an over-long value', `s3cr3t${'x'.repeat(1300)}`],
    ])('never echoes the ExternalId in the error (%s)', async (_what, externalId) => {
      const props = { ...base, SiemAccess: 'CrossAccountRole', SiemAccountId: '210987654321', SiemExternalId: externalId };
      const problems = problemsOf(props);
      expect(problems).toEqual(['SiemExternalId (value hidden) is not allowed; allowed values: 2-1224 characters of letters, digits and +=,.@:/-_']);
      expect(() => parseConfig(props)).toThrow(ConfigError);
      expect(() => parseConfig(props)).not.toThrow(externalId);
    });
  });
});
