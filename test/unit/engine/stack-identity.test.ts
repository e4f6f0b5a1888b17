import { physicalResourceId, pipelineNameFromId, rejectedPhysicalId, stackIdentity } from '../../../src/engine/stack-identity';
import { ACCOUNT, REGION, STACK_ID } from '../handlers/cfn/events';

describe('stackIdentity', () => {
  it.each([
    [STACK_ID, 'aws', REGION, ACCOUNT],
    ['arn:aws-us-gov:cloudformation:us-gov-west-1:210987654321:stack/s/abc', 'aws-us-gov', 'us-gov-west-1', '210987654321'],
    ['arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/s/abc', 'aws-cn', 'cn-north-1', '123456789012'],
    ['arn:aws-iso-b:cloudformation:us-isob-east-1:123456789012:stack/StackSet-x-1/abc', 'aws-iso-b', 'us-isob-east-1', '123456789012'],
  ])('reads %s', (stackId, partition, region, account) => {
    expect(stackIdentity({ StackId: stackId })).toEqual({ partition, region, account, stackId });
  });

  it.each([
    'not-an-arn',
    'arn:aws:cloudformation:eu-west-1:12345678901:stack/s/abc',
    'arn:aws:lambda:eu-west-1:123456789012:function:f',
    'arn:aws:cloudformation:eu-west-1:123456789012:stack/',
    '',
  ])('rejects %j', (stackId) => {
    expect(() => stackIdentity({ StackId: stackId })).toThrow(`StackId is not a CloudFormation stack ARN: ${stackId}`);
  });
});

describe('physical ids', () => {
  const id = { account: ACCOUNT, region: REGION };

  it('is deterministic from account, region and pipeline name (never a log stream name)', () => {
    expect(physicalResourceId(id, 'prod')).toBe('siem-pipeline/123456789012/eu-west-1/prod');
    expect(physicalResourceId(id, 'prod')).toBe(physicalResourceId({ ...id }, 'prod'));
    expect(physicalResourceId(id, 'prod2')).not.toBe(physicalResourceId(id, 'prod'));
  });

  it.each(['ab', 'prod', 'abcdefghij-klmnopq99'])('round-trips %s through pipelineNameFromId', (name) => {
    expect(pipelineNameFromId(physicalResourceId(id, name), id)).toBe(name);
  });

  it('gives a rejected Create an id that names no pipeline', () => {
    const rejected = rejectedPhysicalId({ LogicalResourceId: 'Pipeline' });
    expect(rejected).toBe('siem-pipeline/rejected/Pipeline');
    expect(pipelineNameFromId(rejected, id)).toBeUndefined();
  });

  it.each([
    ['another account', 'siem-pipeline/210987654321/eu-west-1/prod'],
    ['another region', 'siem-pipeline/123456789012/us-east-1/prod'],
    ['another prefix', 'other-pipeline/123456789012/eu-west-1/prod'],
    ['a rejected id', 'siem-pipeline/rejected/Pipeline'],
    ['a rejected id with a slash in the logical id position', 'siem-pipeline/rejected/123456789012/eu-west-1'],
    ['extra parts', 'siem-pipeline/123456789012/eu-west-1/prod/x'],
    ['an empty name', 'siem-pipeline/123456789012/eu-west-1/'],
    ['a name the config would reject', 'siem-pipeline/123456789012/eu-west-1/Prod_1'],
    ['a log stream name', '2026/01/02/[$LATEST]0123456789abcdef'],
    ['an empty id', ''],
  ])('pipelineNameFromId rejects %s', (_what, physicalId) => {
    expect(pipelineNameFromId(physicalId, id)).toBeUndefined();
  });
});
