import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
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
import { OwnershipConflictError } from '../../../../src/support/errors';
import {
  ensureStreamRule,
  inspectStreamRule,
  listRuleNames,
  removeStreamRule,
  ruleArn,
  streamTarget,
  type StreamRuleSpec,
} from '../../../../src/components/events/event-rule';
import { awsError, sentCommands, sentRequests } from '../../helpers/aws-mock';
import { createTestContext, OTHER_STACK_ID, TEST_STACK_ID } from '../../helpers/context';

const events = mockClient(EventBridgeClient);
const { ctx } = createTestContext();
const NAME = 'siem-test-src-securityhub';
const ARN = `arn:aws:events:eu-west-1:123456789012:rule/${NAME}`;
const spec: StreamRuleSpec = {
  name: NAME,
  pattern: { source: ['aws.securityhub'] },
  description: 'aws.securityhub events to Kinesis stream siem-test (siem-pipeline)',
};
const ourTags = [
  { Key: TAG_NAME, Value: 'test' },
  { Key: TAG_STACK, Value: TEST_STACK_ID },
];
const TARGET = {
  Id: 'kinesis-stream',
  Arn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/siem-test',
  RoleArn: 'arn:aws:iam::123456789012:role/siem-pipeline/siem-test-eu-west-1-events-to-kinesis',
  KinesisParameters: { PartitionKeyPath: '$.id' },
};
const notFound = () => awsError(ResourceNotFoundException, `Rule ${NAME} does not exist on EventBus default.`);

const putRule = [
  'PutRuleCommand',
  { Name: NAME, EventPattern: '{"source":["aws.securityhub"]}', State: 'ENABLED', Description: spec.description, Tags: ourTags },
];
const putTargets = ['PutTargetsCommand', { Rule: NAME, Targets: [TARGET] }];

afterEach(() => events.reset());
afterAll(() => events.restore());

describe('stream target', () => {
  it('targets the stream with the events role and the event id as partition key', () => {
    expect(streamTarget(ctx)).toEqual(TARGET);
    expect(ruleArn(NAME, ctx)).toBe(ARN);
  });
});

describe('ensureStreamRule', () => {
  it.each([
    ['creates a rule that does not exist', () => events.on(ListTagsForResourceCommand).rejects(notFound()), 'created'],
    ['converges a rule of ours in place', () => events.on(ListTagsForResourceCommand).resolves({ Tags: ourTags }), 'updated'],
  ])('%s', async (_case, arrange, logged) => {
    const t = createTestContext();
    arrange();
    events.on(PutRuleCommand).resolves({ RuleArn: ARN });
    events.on(PutTargetsCommand).resolves({ FailedEntryCount: 0, FailedEntries: [] });

    await expect(ensureStreamRule(spec, t.ctx)).resolves.toBe(ARN);

    expect(sentRequests(events)).toEqual([['ListTagsForResourceCommand', { ResourceARN: ARN }], putRule, putTargets]);
    expect(t.logs().map((l) => l.message)).toContain(logged);
  });

  it.each([
    ['another stack', [{ Key: TAG_STACK, Value: OTHER_STACK_ID }], 'exists but is not managed by this stack'],
    ['no one (untagged)', [], 'exists but is not managed by this stack'],
    [
      'another pipeline of this stack',
      [
        { Key: TAG_STACK, Value: TEST_STACK_ID },
        { Key: TAG_NAME, Value: 'test-src' },
      ],
      'exists but belongs to pipeline test-src',
    ],
  ])('refuses a rule with our name that belongs to %s, writing nothing', async (_owner, Tags, message) => {
    events.on(ListTagsForResourceCommand).resolves({ Tags });

    const ensuring = ensureStreamRule(spec, ctx);

    await expect(ensuring).rejects.toThrow(OwnershipConflictError);
    await expect(ensuring).rejects.toThrow(`EventBridge rule ${NAME} ${message}`);
    expect(sentCommands(events)).toEqual(['ListTagsForResourceCommand']);
  });

  it.each([
    [
      'a failed entry',
      { FailedEntryCount: 1, FailedEntries: [{ TargetId: 'kinesis-stream', ErrorCode: 'AccessDeniedException', ErrorMessage: 'not authorized to pass role' }] },
      `PutTargets on EventBridge rule ${NAME} failed: kinesis-stream: AccessDeniedException not authorized to pass role`,
    ],
    ['a failed count without entries', { FailedEntryCount: 1 }, `PutTargets on EventBridge rule ${NAME} failed: 1 failed entries`],
  ])('rejects naming the rule and the code when PutTargets reports %s', async (_case, result, message) => {
    events.on(ListTagsForResourceCommand).rejects(notFound());
    events.on(PutRuleCommand).resolves({ RuleArn: ARN });
    events.on(PutTargetsCommand).resolves(result);

    await expect(ensureStreamRule(spec, ctx)).rejects.toThrow(message);
  });
});

describe('removeStreamRule', () => {
  it('removes every target of our rule, then the rule', async () => {
    events.on(ListTagsForResourceCommand).resolves({ Tags: ourTags });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [TARGET, { Id: 'added-by-hand', Arn: 'arn:aws:sqs:eu-west-1:123456789012:q' }] });
    events.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0, FailedEntries: [] });
    events.on(DeleteRuleCommand).resolves({});

    await removeStreamRule(NAME, ctx);

    expect(sentRequests(events)).toEqual([
      ['ListTagsForResourceCommand', { ResourceARN: ARN }],
      ['ListTargetsByRuleCommand', { Rule: NAME }],
      ['RemoveTargetsCommand', { Rule: NAME, Ids: ['kinesis-stream', 'added-by-hand'] }],
      ['DeleteRuleCommand', { Name: NAME }],
    ]);
  });

  it('deletes a rule without targets straight away', async () => {
    events.on(ListTagsForResourceCommand).resolves({ Tags: ourTags });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [] });
    events.on(DeleteRuleCommand).resolves({});

    await removeStreamRule(NAME, ctx);

    expect(sentCommands(events)).toEqual(['ListTagsForResourceCommand', 'ListTargetsByRuleCommand', 'DeleteRuleCommand']);
  });

  it.each([
    ['the rule does not exist', () => events.on(ListTagsForResourceCommand).rejects(notFound()), ['ListTagsForResourceCommand']],
    [
      'the rule vanishes before ListTargetsByRule',
      () => {
        events.on(ListTagsForResourceCommand).resolves({ Tags: ourTags });
        events.on(ListTargetsByRuleCommand).rejects(notFound());
      },
      ['ListTagsForResourceCommand', 'ListTargetsByRuleCommand'],
    ],
    [
      'the rule vanishes before RemoveTargets',
      () => {
        events.on(ListTagsForResourceCommand).resolves({ Tags: ourTags });
        events.on(ListTargetsByRuleCommand).resolves({ Targets: [TARGET] });
        events.on(RemoveTargetsCommand).rejects(notFound());
      },
      ['ListTagsForResourceCommand', 'ListTargetsByRuleCommand', 'RemoveTargetsCommand'],
    ],
    [
      'the rule vanishes before DeleteRule',
      () => {
        events.on(ListTagsForResourceCommand).resolves({ Tags: ourTags });
        events.on(ListTargetsByRuleCommand).resolves({ Targets: [TARGET] });
        events.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0 });
        events.on(DeleteRuleCommand).rejects(notFound());
      },
      ['ListTagsForResourceCommand', 'ListTargetsByRuleCommand', 'RemoveTargetsCommand', 'DeleteRuleCommand'],
    ],
  ])('is done when %s', async (_case, arrange, expected) => {
    const t = createTestContext();
    arrange();
    await expect(removeStreamRule(NAME, t.ctx)).resolves.toBeUndefined();
    expect(sentCommands(events)).toEqual(expected);
    expect(t.logs().map((l) => l.message)).toContain('already gone');
  });

  it.each([
    ['another stack', [{ Key: TAG_STACK, Value: OTHER_STACK_ID }]],
    [
      'another pipeline of this stack',
      [
        { Key: TAG_STACK, Value: TEST_STACK_ID },
        { Key: TAG_NAME, Value: 'test-src' },
      ],
    ],
  ])('leaves a rule of %s in place', async (_owner, Tags) => {
    const t = createTestContext();
    events.on(ListTagsForResourceCommand).resolves({ Tags });

    await removeStreamRule(NAME, t.ctx);

    expect(sentCommands(events)).toEqual(['ListTagsForResourceCommand']);
    expect(t.logs().map((l) => l.message)).toContain('left in place: not ours');
  });

  it('fails naming the rule when RemoveTargets reports a failed entry', async () => {
    events.on(ListTagsForResourceCommand).resolves({ Tags: ourTags });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [TARGET] });
    events
      .on(RemoveTargetsCommand)
      .resolves({ FailedEntryCount: 1, FailedEntries: [{ TargetId: 'kinesis-stream', ErrorCode: 'ConcurrentModificationException' }] });

    await expect(removeStreamRule(NAME, ctx)).rejects.toThrow(
      `RemoveTargets on EventBridge rule ${NAME} failed: kinesis-stream: ConcurrentModificationException`,
    );
    expect(events).not.toHaveReceivedCommand(DeleteRuleCommand);
  });
});

describe('listRuleNames', () => {
  it('reads every page of ListRules by prefix', async () => {
    events
      .on(ListRulesCommand, { NamePrefix: 'siem-test-src-' })
      .resolves({ Rules: [{ Name: 'siem-test-src-a' }], NextToken: 't2' })
      .on(ListRulesCommand, { NamePrefix: 'siem-test-src-', NextToken: 't2' })
      .resolves({ Rules: [{ Name: 'siem-test-src-b' }, { Name: 'siem-test-src-c' }] });

    await expect(listRuleNames('siem-test-src-', ctx)).resolves.toEqual(['siem-test-src-a', 'siem-test-src-b', 'siem-test-src-c']);
    expect(sentRequests(events)).toEqual([
      ['ListRulesCommand', { NamePrefix: 'siem-test-src-' }],
      ['ListRulesCommand', { NamePrefix: 'siem-test-src-', NextToken: 't2' }],
    ]);
  });
});

describe('inspectStreamRule', () => {
  const described = (over: Record<string, unknown> = {}) => ({
    Name: NAME,
    Arn: ARN,
    EventPattern: '{ "source" : [ "aws.securityhub" ] }',
    State: 'ENABLED' as const,
    ...over,
  });

  it.each([
    ['absent without the rule', () => events.on(ListTagsForResourceCommand).rejects(notFound()), { state: 'absent' }],
    [
      'absent (with the conflict) when the rule is not ours',
      () => events.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: TAG_STACK, Value: OTHER_STACK_ID }] }),
      { state: 'absent', details: { conflict: expect.stringContaining('is not managed by this stack') } },
    ],
    [
      'present when pattern, state and target match (pattern spacing ignored)',
      () => {
        events.on(ListTagsForResourceCommand).resolves({ Tags: ourTags });
        events.on(DescribeRuleCommand).resolves(described());
        events.on(ListTargetsByRuleCommand).resolves({ Targets: [TARGET] });
      },
      { state: 'present', details: { rule: NAME, ruleArn: ARN } },
    ],
    [
      'drifted when disabled, with another pattern and no stream target',
      () => {
        events.on(ListTagsForResourceCommand).resolves({ Tags: ourTags });
        events.on(DescribeRuleCommand).resolves(described({ State: 'DISABLED', EventPattern: '{"source":["aws.health"]}' }));
        events.on(ListTargetsByRuleCommand).resolves({ Targets: [] });
      },
      { state: 'drifted', details: { rule: NAME, ruleArn: ARN, differences: ['event pattern changed', 'state is DISABLED', 'stream target missing'] } },
    ],
    [
      'drifted when the target lost its role',
      () => {
        events.on(ListTagsForResourceCommand).resolves({ Tags: ourTags });
        events.on(DescribeRuleCommand).resolves(described());
        events.on(ListTargetsByRuleCommand).resolves({ Targets: [{ ...TARGET, RoleArn: undefined }] });
      },
      { state: 'drifted', details: { rule: NAME, ruleArn: ARN, differences: ['stream target changed'] } },
    ],
  ])('%s', async (_case, arrange, expected) => {
    arrange();
    await expect(inspectStreamRule(spec, ctx)).resolves.toEqual(expected);
    expect(sentCommands(events).every((c) => /^(List|Describe)/.test(c))).toBe(true);
  });
});
