import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  ListTagsForResourceCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { FakeAccount } from './account';
import { activeStream, serviceRole } from './fixtures';

const PATTERN = JSON.stringify({ source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'] });
const RULE_ARN = 'arn:aws:events:us-east-1:123456789012:rule/siem-demo-guardduty';

describe('fake EventBridge', () => {
  it('creates or updates rules with PutRule, keeping the tags of the first call', async () => {
    const { events } = new FakeAccount().clients();
    const created = await events.send(
      new PutRuleCommand({ Name: 'siem-demo-guardduty', EventPattern: PATTERN, Tags: [{ Key: 'siem-pipeline:name', Value: 'demo' }] }),
    );
    await events.send(new PutRuleCommand({ Name: 'siem-demo-guardduty', EventPattern: PATTERN, State: 'DISABLED', Tags: [{ Key: 'other', Value: 'x' }] }));

    expect(created.RuleArn).toBe(RULE_ARN);
    expect(await events.send(new DescribeRuleCommand({ Name: 'siem-demo-guardduty' }))).toMatchObject({
      Arn: RULE_ARN,
      EventPattern: PATTERN,
      State: 'DISABLED',
      EventBusName: 'default',
    });
    expect((await events.send(new ListTagsForResourceCommand({ ResourceARN: RULE_ARN }))).Tags).toEqual([{ Key: 'siem-pipeline:name', Value: 'demo' }]);
    await expect(events.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source": "aws.ec2"}' }))).rejects.toMatchObject({
      name: 'InvalidEventPatternException',
    });
    await expect(events.send(new DescribeRuleCommand({ Name: 'absent' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Rule absent does not exist on EventBus default.',
    });
  });

  it('needs a RoleArn for a Kinesis target, and refuses to delete a rule that still has targets', async () => {
    const fake = new FakeAccount();
    const { events } = fake.clients();
    const streamArn = await activeStream(fake);
    await events.send(new PutRuleCommand({ Name: 'r', EventPattern: PATTERN }));

    await expect(events.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'stream', Arn: streamArn }] }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await events.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'stream', Arn: streamArn, RoleArn: 'arn:aws:iam::123456789012:role/x' }] }));
    await expect(events.send(new DeleteRuleCommand({ Name: 'r' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: "Rule can't be deleted since it has targets.",
    });
    await events.send(new RemoveTargetsCommand({ Rule: 'r', Ids: ['stream'] }));
    await events.send(new DeleteRuleCommand({ Name: 'r' }));
    expect(fake.snapshot().events).toEqual([]);
  });

  it('routes a published event through a matching rule to the stream, keyed by the partition key path', async () => {
    const fake = new FakeAccount({ rolePropagation: {} });
    const { events } = fake.clients();
    const streamArn = await activeStream(fake);
    const role = await serviceRole(fake, 'ev', 'events.amazonaws.com', ['kinesis:PutRecord'], streamArn);
    await events.send(new PutRuleCommand({ Name: 'r', EventPattern: PATTERN }));
    await events.send(
      new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'stream', Arn: streamArn, RoleArn: role, KinesisParameters: { PartitionKeyPath: '$.detail.id' } }] }),
    );

    expect(fake.events.publish({ source: 'aws.guardduty', 'detail-type': 'GuardDuty Finding', detail: { id: 'finding-1' } })).toBe(1);
    expect(fake.events.publish({ source: 'aws.securityhub', 'detail-type': 'Security Hub Findings - Imported', detail: {} })).toBe(0);
    const [record] = fake.kinesis.records('s1');
    expect(record.partitionKey).toBe('finding-1');
    expect(JSON.parse(record.data.toString())).toMatchObject({ source: 'aws.guardduty', account: '123456789012', detail: { id: 'finding-1' } });
  });
});
