import { CALLERS, contextOf, type CallerId } from './caller-context';
import { conditionsHold, policyAllows, resourcePolicyAllows, trustAllows } from './iam-policy';

const A = '123456789012';
const TRAIL = `arn:aws:cloudtrail:eu-west-1:${A}:trail/t`;
const FACTS = { sourceArn: TRAIL, sourceAccount: A };

const trust = (condition?: object) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) },
    ],
  });

describe('request context of each caller', () => {
  it.each<[CallerId, string[]]>([
    ['logs->kinesis', ['aws:SourceArn', 'aws:SourceAccount']],
    ['vpc-flow-logs->logs', ['aws:SourceArn', 'aws:SourceAccount']],
    ['events->kinesis', ['aws:SourceArn', 'aws:SourceAccount']],
    ['cloudtrail->logs', []],
    ['cloudtrail->s3', ['aws:SourceArn', 'aws:SourceAccount']],
  ])('%s sends exactly %j', (caller, keys) => {
    expect(Object.keys(contextOf(caller, FACTS))).toEqual(keys);
    expect(CALLERS[caller].doc).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });

  it('CloudTrail cannot assume a role whose trust is conditioned on aws:SourceArn or aws:SourceAccount; a plain trust it can', () => {
    const context = contextOf('cloudtrail->logs', FACTS);
    expect(trustAllows(trust({ StringEquals: { 'aws:SourceArn': TRAIL } }), 'cloudtrail.amazonaws.com', context)).toBe(false);
    expect(trustAllows(trust({ StringEquals: { 'aws:SourceAccount': A } }), 'cloudtrail.amazonaws.com', context)).toBe(false);
    expect(trustAllows(trust(), 'cloudtrail.amazonaws.com', context)).toBe(true);
    expect(trustAllows(trust(), 'logs.amazonaws.com', context)).toBe(false);
  });
});

describe('condition evaluation is strict', () => {
  const ctx = { 'aws:SourceArn': TRAIL, 'aws:SourceAccount': A };
  it.each<[string, unknown, boolean]>([
    ['StringEquals on a sent key', { StringEquals: { 'aws:SourceAccount': A } }, true],
    ['StringEquals, other value', { StringEquals: { 'aws:SourceAccount': '210987654321' } }, false],
    ['keys compare case-insensitively', { StringEquals: { 'AWS:sourceaccount': A } }, true],
    ['ArnLike with a wildcard', { ArnLike: { 'aws:SourceArn': `arn:aws:cloudtrail:eu-west-1:${A}:trail/*` } }, true],
    ['ArnLike, other account', { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:eu-west-1:210987654321:trail/*' } }, false],
    ['StringLike, one of several values', { StringLike: { 'aws:SourceArn': ['arn:aws:s3:::x', `arn:aws:cloudtrail:*:${A}:trail/t`] } }, true],
    ['a key the caller does not send', { StringEquals: { 'aws:SourceOrgID': 'o-abc' } }, false],
    ['a negated operator on a key not sent', { StringNotEquals: { 'aws:SourceOrgID': 'o-abc' } }, true],
    ['an operator the fake does not model', { Bool: { 'aws:SecureTransport': 'true' } }, false],
    ['an IfExists operator (not modelled)', { StringEqualsIfExists: { 'aws:SourceAccount': A } }, false],
    ['a set operator (not modelled)', { 'ForAnyValue:StringEquals': { 'aws:SourceAccount': A } }, false],
    ['a malformed block', 'StringEquals', false],
  ])('%s', (_name, condition, expected) => {
    expect(conditionsHold(condition, ctx)).toBe(expected);
  });

  it('a bucket policy conditioned on a key CloudTrail sends lets it write; one on a key it does not send does not', () => {
    const policy = (condition: object) =>
      JSON.stringify({
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*', Condition: condition },
        ],
      });
    const context = contextOf('cloudtrail->s3', FACTS);
    expect(
      resourcePolicyAllows(policy({ StringEquals: { 'aws:SourceArn': TRAIL } }), 'cloudtrail.amazonaws.com', 's3:PutObject', 'arn:aws:s3:::b/o', context),
    ).toBe(true);
    expect(
      resourcePolicyAllows(policy({ StringEquals: { 'aws:SourceVpc': 'vpc-1' } }), 'cloudtrail.amazonaws.com', 's3:PutObject', 'arn:aws:s3:::b/o', context),
    ).toBe(false);
  });
});

describe('identity policies the services use', () => {
  const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
  const put = { Effect: 'Allow', Action: 'kinesis:PutRecord', Resource: 'arn:aws:kinesis:eu-west-1:123456789012:stream/s' };
  it.each<[string, string, boolean]>([
    ['a plain Allow', doc(put), true],
    ['an Allow on another resource', doc({ ...put, Resource: 'arn:aws:kinesis:eu-west-1:123456789012:stream/other' }), false],
    ['an Allow conditioned on a key the request lacks', doc({ ...put, Condition: { StringEquals: { 'aws:ResourceTag/team': 'x' } } }), false],
    ['an Allow and a matching Deny', doc(put, { ...put, Effect: 'Deny' }), false],
    [
      'an Allow and a Deny with an operator the fake does not model',
      doc(put, { ...put, Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      false,
    ],
    [
      'an Allow and a Deny whose condition does not hold',
      doc(put, { ...put, Effect: 'Deny', Condition: { StringEquals: { 'aws:SourceAccount': '1' } } }),
      true,
    ],
  ])('%s', (_what, text, expected) => {
    expect(policyAllows(text, 'kinesis:PutRecord', 'arn:aws:kinesis:eu-west-1:123456789012:stream/s')).toBe(expected);
  });
});
