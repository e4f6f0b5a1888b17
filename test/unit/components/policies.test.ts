import {
  CONSUMER_READ_ACTIONS,
  crossAccountTrustPolicy,
  parsePolicyText,
  policyJson,
  samePolicy,
  STREAM_READ_ACTIONS,
  streamReaderPolicy,
  type PolicyDocument,
} from '../../../src/components/policies';

const STREAM_ARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/siem-test';
const trust = crossAccountTrustPolicy({ partition: 'aws', trustedAccountId: '210987654321', externalId: 'ext-123' });

/** Every document the pipeline writes, by name: a new builder belongs in this table. */
const identityPolicies: [string, PolicyDocument][] = [['streamReaderPolicy', streamReaderPolicy(STREAM_ARN)]];
const trustPolicies: [string, PolicyDocument][] = [['crossAccountTrustPolicy', trust]];

describe('least privilege of every policy document', () => {
  it.each([...identityPolicies, ...trustPolicies])('%s has no wildcard action', (_name, doc) => {
    for (const statement of doc.Statement) {
      for (const action of statement.Action) {
        expect(action).not.toBe('*');
        expect(action).not.toMatch(/^[a-z0-9-]+:\*$/);
        expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      }
    }
  });

  it.each(identityPolicies)('%s scopes every resource to a resource of the pipeline', (_name, doc) => {
    for (const statement of doc.Statement) {
      expect(statement.Resource?.length).toBeGreaterThan(0);
      for (const resource of statement.Resource ?? []) {
        const [arn, partition, service, region, account, ...rest] = resource.split(':');
        expect([arn, partition]).toEqual(['arn', 'aws']);
        expect(service).toMatch(/^[a-z0-9-]+$/);
        // Global services (IAM, S3) leave region or account empty; never a wildcard.
        expect(region).toMatch(/^([a-z]{2}(-[a-z]+)+-\d)?$/);
        expect(account).toMatch(/^(\d{12})?$/);
        // Before any wildcard the ARN names one of the pipeline's resources (all are named siem-...).
        const named = rest.join(':').split('*')[0];
        expect(named).toMatch(/siem-[a-z0-9]/);
      }
    }
  });

  it.each(identityPolicies)('%s allows and never names a principal', (_name, doc) => {
    expect(doc.Statement.every((s) => s.Effect === 'Allow' && s.Principal === undefined)).toBe(true);
  });
});

describe('streamReaderPolicy', () => {
  it('allows exactly the read actions, on this stream and its consumers only', () => {
    expect(streamReaderPolicy(STREAM_ARN)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadStream',
          Effect: 'Allow',
          Action: [
            'kinesis:DescribeStream',
            'kinesis:DescribeStreamSummary',
            'kinesis:GetRecords',
            'kinesis:GetShardIterator',
            'kinesis:ListShards',
            'kinesis:ListStreamConsumers',
          ],
          Resource: [STREAM_ARN],
        },
        {
          Sid: 'ReadThroughConsumers',
          Effect: 'Allow',
          Action: ['kinesis:DescribeStreamConsumer', 'kinesis:SubscribeToShard'],
          Resource: [`${STREAM_ARN}/consumer/*`],
        },
      ],
    });
  });

  it.each(['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:DeleteStream', 'kinesis:RegisterStreamConsumer', 'kinesis:ListStreams'])(
    'does not allow %s',
    (action) => {
      expect([...STREAM_READ_ACTIONS, ...CONSUMER_READ_ACTIONS]).not.toContain(action);
    },
  );
});

describe('crossAccountTrustPolicy', () => {
  it.each([
    ['aws', 'arn:aws:iam::210987654321:root'],
    ['aws-cn', 'arn:aws-cn:iam::210987654321:root'],
    ['aws-us-gov', 'arn:aws-us-gov:iam::210987654321:root'],
  ])('in partition %s trusts only the given account, and only with the ExternalId', (partition, principal) => {
    expect(crossAccountTrustPolicy({ partition, trustedAccountId: '210987654321', externalId: 'ext-123' })).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: principal },
          Action: ['sts:AssumeRole'],
          Condition: { StringEquals: { 'sts:ExternalId': 'ext-123' } },
        },
      ],
    });
  });
});

describe('samePolicy', () => {
  const doc = streamReaderPolicy(STREAM_ARN);

  it.each([
    ['the JSON we wrote', policyJson(doc), true],
    ['the URL-encoded form IAM returns', encodeURIComponent(policyJson(doc)), true],
    ['other key order and whitespace', JSON.stringify({ Statement: doc.Statement, Version: '2012-10-17' }, null, 2), true],
    ['another stream', policyJson(streamReaderPolicy('arn:aws:kinesis:eu-west-1:123456789012:stream/other')), false],
    ['not JSON at all', '%%%not-json', false],
    ['nothing', undefined, false],
  ])('%s -> %s', (_case, text, expected) => {
    expect(samePolicy(text, doc)).toBe(expected);
  });

  it('treats a lone value and a one-element list as the same (IAM accepts both)', () => {
    const written = JSON.stringify({ ...trust, Statement: [{ ...trust.Statement[0], Action: 'sts:AssumeRole' }] });
    expect(samePolicy(encodeURIComponent(written), trust)).toBe(true);
  });

  it('sees a changed ExternalId as a different trust policy', () => {
    const other = crossAccountTrustPolicy({ partition: 'aws', trustedAccountId: '210987654321', externalId: 'ext-456' });
    expect(samePolicy(encodeURIComponent(policyJson(other)), trust)).toBe(false);
  });

  it('parses plain and URL-encoded text alike', () => {
    expect(parsePolicyText(encodeURIComponent(policyJson(trust)))).toEqual(trust);
    expect(parsePolicyText(` ${policyJson(trust)}`)).toEqual(trust);
  });
});
