import {
  DeleteRuleCommand,
  EventBridgeClient,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { guardDutyRuleComponent } from '../../../../src/sources/guardduty/guardduty-rule';
import { awsError, sentCommands, sentRequests } from '../../helpers/aws-mock';
import { createTestContext, TEST_STACK_ID, testConfig } from '../../helpers/context';

const events = mockClient(EventBridgeClient);
const { ctx } = createTestContext();
const NAME = 'siem-test-guardduty';
const ARN = `arn:aws:events:eu-west-1:123456789012:rule/${NAME}`;
const ourTags = [
  { Key: TAG_NAME, Value: 'test' },
  { Key: TAG_STACK, Value: TEST_STACK_ID },
];

afterEach(() => events.reset());
afterAll(() => events.restore());

describe('guardduty-rule', () => {
  it('waits for the stream and the events role', () => {
    expect(guardDutyRuleComponent.dependsOn).toEqual(['stream', 'events-role']);
  });

  it.each([
    [{}, true],
    [{ EnableGuardDuty: 'false' }, false],
    [{ CreateGuardDutyDetector: 'false' }, true],
  ])('enabled %j -> %s', (props, expected) => {
    expect(guardDutyRuleComponent.enabled(testConfig(props), ctx)).toBe(expected);
  });

  it('routes GuardDuty findings to the stream with the events role', async () => {
    events.on(ListTagsForResourceCommand).rejects(awsError(ResourceNotFoundException, `Rule ${NAME} does not exist.`));
    events.on(PutRuleCommand).resolves({ RuleArn: ARN });
    events.on(PutTargetsCommand).resolves({ FailedEntryCount: 0, FailedEntries: [] });

    await expect(guardDutyRuleComponent.ensure(testConfig(), ctx)).resolves.toEqual({});

    expect(sentRequests(events)).toEqual([
      ['ListTagsForResourceCommand', { ResourceARN: ARN }],
      [
        'PutRuleCommand',
        {
          Name: NAME,
          EventPattern: '{"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"]}',
          State: 'ENABLED',
          Description: 'GuardDuty findings to Kinesis stream siem-test (siem-pipeline)',
          Tags: ourTags,
        },
      ],
      [
        'PutTargetsCommand',
        {
          Rule: NAME,
          Targets: [
            {
              Id: 'kinesis-stream',
              Arn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/siem-test',
              RoleArn: 'arn:aws:iam::123456789012:role/siem-pipeline/siem-test-eu-west-1-events-to-kinesis',
              KinesisParameters: { PartitionKeyPath: '$.id' },
            },
          ],
        },
      ],
    ]);
  });

  it('removes its rule by name', async () => {
    events.on(ListTagsForResourceCommand).resolves({ Tags: ourTags });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: 'kinesis-stream', Arn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/siem-test' }] });
    events.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0 });
    events.on(DeleteRuleCommand).resolves({});

    await guardDutyRuleComponent.remove(testConfig({ EnableGuardDuty: 'false' }), ctx);

    expect(sentCommands(events)).toEqual(['ListTagsForResourceCommand', 'ListTargetsByRuleCommand', 'RemoveTargetsCommand', 'DeleteRuleCommand']);
    expect(events).toHaveReceivedCommandWith(DeleteRuleCommand, { Name: NAME });
  });
});
