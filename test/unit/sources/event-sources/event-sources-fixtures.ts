// Shared by the event-sources*.test.ts suites: the mocked EventBridge client and the requests per rule.
import {
  DeleteRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { awsError, sentRequests } from '../../helpers/aws-mock';
import { createTestContext, TEST_STACK_ID } from '../../helpers/context';

export const events = mockClient(EventBridgeClient);
export const { ctx } = createTestContext();
export const PREFIX = 'siem-test-src-';
export const arn = (name: string) => `arn:aws:events:eu-west-1:123456789012:rule/${name}`;
export const ourTags = [
  { Key: TAG_NAME, Value: 'test' },
  { Key: TAG_STACK, Value: TEST_STACK_ID },
];
export const TARGET = {
  Id: 'kinesis-stream',
  Arn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/siem-test',
  RoleArn: 'arn:aws:iam::123456789012:role/siem-pipeline/siem-test-eu-west-1-events-to-kinesis',
  KinesisParameters: { PartitionKeyPath: '$.id' },
};
export const notFound = (name: string) => awsError(ResourceNotFoundException, `Rule ${name} does not exist on EventBus default.`);

/** The exact requests that ensure one source's rule (absent before). */
export function created(source: string, name: string): [string, unknown][] {
  return [
    ['ListTagsForResourceCommand', { ResourceARN: arn(name) }],
    [
      'PutRuleCommand',
      {
        Name: name,
        EventPattern: JSON.stringify({ source: [source] }),
        State: 'ENABLED',
        Description: `${source} events to Kinesis stream siem-test (siem-pipeline)`,
        Tags: ourTags,
      },
    ],
    ['PutTargetsCommand', { Rule: name, Targets: [TARGET] }],
  ];
}

/** The exact requests that remove one rule of ours with its stream target. */
export function removed(name: string): [string, unknown][] {
  return [
    ['ListTagsForResourceCommand', { ResourceARN: arn(name) }],
    ['ListTargetsByRuleCommand', { Rule: name }],
    ['RemoveTargetsCommand', { Rule: name, Ids: ['kinesis-stream'] }],
    ['DeleteRuleCommand', { Name: name }],
  ];
}

/** The requests about one rule, in the order they were sent (rules are ensured side by side). */
export function requestsFor(rule: string): [string, unknown][] {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the tuple type is the point of the assertion
  return sentRequests(events).filter(([, input]) => JSON.stringify(input).includes(`"${rule}"`) || JSON.stringify(input).includes(`/${rule}"`)) as [
    string,
    unknown,
  ][];
}

export function okWrites(): void {
  events.on(PutRuleCommand).callsFake((input: { Name: string }) => ({ RuleArn: arn(input.Name) }));
  events.on(PutTargetsCommand).resolves({ FailedEntryCount: 0, FailedEntries: [] });
  events.on(ListTargetsByRuleCommand).resolves({ Targets: [TARGET] });
  events.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0, FailedEntries: [] });
  events.on(DeleteRuleCommand).resolves({});
}
