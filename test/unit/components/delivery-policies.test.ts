import {
  eventsToKinesisTrustPolicy,
  flowLogsDeliveryPolicy,
  flowLogsTrustPolicy,
  logsToKinesisTrustPolicy,
  streamWriterPolicy,
  trailBucketPolicy,
  trailDeliveryPolicy,
  trailTrustPolicy,
  type PolicyDocument,
  type PolicyStatement,
} from '../../../src/components/policies';
import { CALLERS, type CallerId } from '../../fake/caller-context';

const A = '123456789012';
const scope = { partition: 'aws', region: 'eu-west-1', account: A };
const STREAM_ARN = `arn:aws:kinesis:eu-west-1:${A}:stream/siem-test`;
const TRAIL_ARN = `arn:aws:cloudtrail:eu-west-1:${A}:trail/siem-test`;
const FLOW_GROUP_ARN = `arn:aws:logs:eu-west-1:${A}:log-group:/siem-pipeline/test/vpc-flow-logs`;
const TRAIL_GROUP_ARN = `arn:aws:logs:eu-west-1:${A}:log-group:/siem-pipeline/test/cloudtrail`;
const BUCKET = `siem-test-${A}-eu-west-1`;

/** Every document the delivery roles and the trail bucket carry: a new builder belongs in one of these tables. */
const identityPolicies: [string, PolicyDocument][] = [
  ['streamWriterPolicy', streamWriterPolicy(STREAM_ARN)],
  ['flowLogsDeliveryPolicy', flowLogsDeliveryPolicy(FLOW_GROUP_ARN)],
  ['trailDeliveryPolicy', trailDeliveryPolicy(TRAIL_GROUP_ARN, A)],
];
const serviceTrusts: [string, PolicyDocument][] = [
  ['logsToKinesisTrustPolicy', logsToKinesisTrustPolicy(scope, [TRAIL_GROUP_ARN, FLOW_GROUP_ARN])],
  ['eventsToKinesisTrustPolicy', eventsToKinesisTrustPolicy(scope, 'siem-test-')],
  ['flowLogsTrustPolicy', flowLogsTrustPolicy(scope)],
  ['trailTrustPolicy', trailTrustPolicy()],
];
const bucketPolicy = trailBucketPolicy({ partition: 'aws', account: A, bucket: BUCKET, trailArn: TRAIL_ARN });
const resourcePolicies: [string, PolicyDocument][] = [['trailBucketPolicy', bucketPolicy]];
/** Which documented caller (test/fake/caller-context.ts) meets each trust or resource policy. */
const CALLER_OF: Record<string, CallerId> = {
  logsToKinesisTrustPolicy: 'logs->kinesis',
  eventsToKinesisTrustPolicy: 'events->kinesis',
  flowLogsTrustPolicy: 'vpc-flow-logs->logs',
  trailTrustPolicy: 'cloudtrail->logs',
  trailBucketPolicy: 'cloudtrail->s3',
};

const allows = (doc: PolicyDocument): PolicyStatement[] => doc.Statement.filter((s) => s.Effect === 'Allow');

describe('least privilege of the delivery documents', () => {
  it.each([...identityPolicies, ...serviceTrusts, ...resourcePolicies])('%s allows no wildcard action', (_name, doc) => {
    for (const action of allows(doc).flatMap((s) => s.Action)) {
      expect(action).not.toContain('*');
      expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
    }
  });

  it('has one wildcard action in all: the TLS-only deny of the bucket, which must cover every action', () => {
    const all = [...identityPolicies, ...serviceTrusts, ...resourcePolicies].flatMap(([, doc]) => doc.Statement);
    const wildcards = all.filter((s) => s.Action.some((a) => a.includes('*')));
    expect(wildcards).toEqual([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['s3:*'],
        Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
  });

  it.each([...identityPolicies, ...resourcePolicies])('%s scopes every resource to a resource of the pipeline', (_name, doc) => {
    for (const statement of doc.Statement) {
      expect(statement.Resource?.length).toBeGreaterThan(0);
      for (const resource of statement.Resource ?? []) {
        const [arn, partition, service, region, account, ...rest] = resource.split(':');
        expect([arn, partition]).toEqual(['arn', 'aws']);
        expect(service).toMatch(/^[a-z0-9-]+$/);
        expect(region).toMatch(/^([a-z]{2}(-[a-z]+)+-\d)?$/);
        expect(account).toMatch(/^(\d{12})?$/);
        // Before any wildcard the ARN names one of the pipeline's resources (all are named siem-...).
        expect(rest.join(':').split('*')[0]).toMatch(/siem-[a-z0-9]/);
      }
    }
  });

  it.each(identityPolicies)('%s allows and never names a principal', (_name, doc) => {
    expect(doc.Statement.every((s) => s.Effect === 'Allow' && s.Principal === undefined)).toBe(true);
  });

  it.each([...serviceTrusts, ...resourcePolicies])('%s conditions on exactly the keys its caller documents sending', (name, doc) => {
    const caller = CALLERS[CALLER_OF[name]];
    const toServices = doc.Statement.filter((s) => s.Effect === 'Allow' && s.Principal?.Service !== undefined);
    expect(toServices.length).toBeGreaterThan(0);
    for (const statement of toServices) {
      expect(statement.Principal?.Service).toBe(caller.principal);
      const keys = Object.values(statement.Condition ?? {}).flatMap((c) => Object.keys(c));
      // A key the caller does not send makes the Allow never match; where it sends SourceArn we guard with it.
      expect(keys.filter((k) => !caller.keys.includes(k as never))).toEqual([]);
      if (caller.keys.includes('aws:SourceArn')) expect(keys).toContain('aws:SourceArn');
      // The SourceArn is this account's: never a wildcard account or region.
      const arns = Object.values(statement.Condition ?? {}).flatMap((c) => (c['aws:SourceArn'] === undefined ? [] : [c['aws:SourceArn']].flat()));
      for (const arn of arns) expect(arn).toMatch(new RegExp(`^arn:aws:[a-z0-9-]+:eu-west-1:${A}:`));
    }
  });

  it('trailTrustPolicy is a plain trust: CloudTrail sends no context keys for its CloudWatch Logs role', () => {
    expect(trailTrustPolicy()).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: ['sts:AssumeRole'] }],
    });
    expect(trailDeliveryPolicy(TRAIL_GROUP_ARN, A).Statement.flatMap((s) => s.Resource)).toEqual([`${TRAIL_GROUP_ARN}:log-stream:${A}_CloudTrail_*`]);
  });

  it.each(serviceTrusts)('%s lets the service only assume the role', (_name, doc) => {
    expect(doc.Statement.map((s) => s.Action)).toEqual([['sts:AssumeRole']]);
  });
});

describe('trailBucketPolicy', () => {
  it('lets only our trail check the ACL and write this account’s log files', () => {
    const condition = { StringEquals: { 'aws:SourceArn': TRAIL_ARN } };
    expect(bucketPolicy.Statement.slice(1)).toEqual([
      {
        Sid: 'CloudTrailAclCheck',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: ['s3:GetBucketAcl'],
        Resource: [`arn:aws:s3:::${BUCKET}`],
        Condition: condition,
      },
      {
        Sid: 'CloudTrailWrite',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: ['s3:PutObject'],
        Resource: [`arn:aws:s3:::${BUCKET}/AWSLogs/${A}/*`],
        Condition: condition,
      },
    ]);
  });

  it.each([
    ['aws-cn', 'arn:aws-cn:s3:::b'],
    ['aws-us-gov', 'arn:aws-us-gov:s3:::b'],
  ])('names the bucket in partition %s', (partition, arn) => {
    const doc = trailBucketPolicy({ partition, account: A, bucket: 'b', trailArn: TRAIL_ARN });
    expect(doc.Statement[1].Resource).toEqual([arn]);
  });
});

describe('logsToKinesisTrustPolicy', () => {
  it('trusts CloudWatch Logs only on behalf of the named log groups (with or without the :* suffix), not any group of the account', () => {
    expect(logsToKinesisTrustPolicy(scope, [TRAIL_GROUP_ARN, FLOW_GROUP_ARN]).Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'logs.amazonaws.com' },
        Action: ['sts:AssumeRole'],
        Condition: {
          StringEquals: { 'aws:SourceAccount': A },
          ArnLike: { 'aws:SourceArn': [TRAIL_GROUP_ARN, `${TRAIL_GROUP_ARN}:*`, FLOW_GROUP_ARN, `${FLOW_GROUP_ARN}:*`] },
        },
      },
    ]);
  });
});
