import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { AddTagsToStreamCommand, CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, GetBucketTaggingCommand } from '@aws-sdk/client-s3';
import { FakeAccount } from './account';
import { tagProblem, type TaggingService } from './tag-rules';

const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/siem/6a0f1c30-4b1e-11f0-9a2b-0e3c5d7f9a11';
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'logs.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

describe('documented tag rules', () => {
  it.each<[TaggingService, Record<string, string>, RegExp | undefined]>([
    ['kinesis', { 'siem-pipeline:name': 'demo' }, /^Invalid tag key 'siem-pipeline:name'/],
    ['kinesis', { 'siem-pipeline/stack': STACK }, /^Invalid tag value/],
    ['kinesis', { 'siem-pipeline/stack': STACK.replace(/:/g, '/') }, undefined],
    ['kinesis', { k: 'v'.repeat(256) }, /at most 255/],
    ['iam', { 'siem-pipeline:stack': STACK }, undefined],
    ['iam', { 'a#b': 'v' }, /^Invalid tag key/],
    ['logs', { 'siem-pipeline:stack': STACK }, undefined],
    ['guardduty', { 'siem-pipeline:stack': STACK }, undefined],
    ['guardduty', { 'with space': 'v' }, /^Invalid tag key/],
    ['s3', { ['k'.repeat(129)]: 'v' }, /1 to 128/],
    ['secrets', { 'AWS:x': 'v' }, /reserved/],
    ['events', { k: 'v'.repeat(257) }, /at most 256/],
  ])('%s rule, case %#', (service, tags, problem) => {
    if (problem) expect(tagProblem(service, tags)).toMatch(problem);
    else expect(tagProblem(service, tags)).toBeUndefined();
  });

  it('Kinesis refuses a colon in a tag key on CreateStream and AddTagsToStream; IAM takes it', async () => {
    const fake = new FakeAccount();
    const { kinesis, iam } = fake.clients();
    await expect(kinesis.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1, Tags: { 'a:b': 'c' } }))).rejects.toMatchObject({
      name: 'InvalidArgumentException',
    });
    await kinesis.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
    fake.kinesis.settleAll();
    await expect(kinesis.send(new AddTagsToStreamCommand({ StreamName: 's', Tags: { 'a:b': 'c' } }))).rejects.toMatchObject({
      name: 'InvalidArgumentException',
    });
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, n) => [`k${n}`, 'v']));
    await expect(kinesis.send(new AddTagsToStreamCommand({ StreamName: 's', Tags: eleven }))).rejects.toMatchObject({ name: 'InvalidArgumentException' });
    await expect(
      iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST, Tags: [{ Key: 'a:b', Value: STACK }] })),
    ).resolves.toBeDefined();
  });

  it('S3 applies CreateBucketConfiguration.Tags to a general purpose bucket', async () => {
    const fake = new FakeAccount();
    const { s3 } = fake.clients();
    await s3.send(new CreateBucketCommand({ Bucket: 'b-1', CreateBucketConfiguration: { Tags: [{ Key: 'siem-pipeline:stack', Value: STACK }] } }));
    await expect(s3.send(new GetBucketTaggingCommand({ Bucket: 'b-1' }))).resolves.toMatchObject({ TagSet: [{ Key: 'siem-pipeline:stack', Value: STACK }] });
  });
});
