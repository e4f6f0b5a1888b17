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
import { NAME_LIMITS, TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { eventSourcesComponent, sourceRule } from '../../../../src/components/events/event-sources';
import { awsError, sentRequests } from '../../helpers/aws-mock';
import { createTestContext, OTHER_STACK_ID, TEST_STACK_ID, testConfig } from '../../helpers/context';

const events = mockClient(EventBridgeClient);
const { ctx } = createTestContext();
const PREFIX = 'siem-test-src-';
const arn = (name: string) => `arn:aws:events:eu-west-1:123456789012:rule/${name}`;
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
const notFound = (name: string) => awsError(ResourceNotFoundException, `Rule ${name} does not exist on EventBus default.`);

/** The exact requests that ensure one source's rule (absent before). */
function created(source: string, name: string): [string, unknown][] {
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
function removed(name: string): [string, unknown][] {
  return [
    ['ListTagsForResourceCommand', { ResourceARN: arn(name) }],
    ['ListTargetsByRuleCommand', { Rule: name }],
    ['RemoveTargetsCommand', { Rule: name, Ids: ['kinesis-stream'] }],
    ['DeleteRuleCommand', { Name: name }],
  ];
}

/** The requests about one rule, in the order they were sent (rules are ensured side by side). */
function requestsFor(rule: string): [string, unknown][] {
  return sentRequests(events).filter(([, input]) => JSON.stringify(input).includes(`"${rule}"`) || JSON.stringify(input).includes(`/${rule}"`)) as [
    string,
    unknown,
  ][];
}

function okWrites(): void {
  events.on(PutRuleCommand).callsFake((input: { Name: string }) => ({ RuleArn: arn(input.Name) }));
  events.on(PutTargetsCommand).resolves({ FailedEntryCount: 0, FailedEntries: [] });
  events.on(ListTargetsByRuleCommand).resolves({ Targets: [TARGET] });
  events.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0, FailedEntries: [] });
  events.on(DeleteRuleCommand).resolves({});
}

afterEach(() => events.reset());
afterAll(() => events.restore());

describe('event-sources', () => {
  it('waits for the stream and the events role', () => {
    expect(eventSourcesComponent.dependsOn).toEqual(['stream', 'events-role']);
  });

  it.each([
    [{}, false],
    [{ ExtraEventSources: '' }, false],
    [{ ExtraEventSources: 'aws.guardduty' }, false],
    [{ ExtraEventSources: 'aws.securityhub' }, true],
  ])('enabled %j -> %s', (props, expected) => {
    expect(eventSourcesComponent.enabled(testConfig(props), ctx)).toBe(expected);
  });

  it.each([
    ['aws.securityhub', 'siem-test-src-securityhub'],
    ['aws.access-analyzer', 'siem-test-src-access-analyzer'],
  ])('names the rule of %s %s', (source, name) => {
    expect(sourceRule(source, ctx)).toEqual({
      name,
      pattern: { source: [source] },
      description: `${source} events to Kinesis stream siem-test (siem-pipeline)`,
    });
  });

  it('keeps rule names of long sources within 64 characters, distinct and under the listed prefix', () => {
    const long = createTestContext({ pipelineName: 'a-twenty-char-name-x' }).ctx;
    const sources = ['aws.partner.very-long-vendor-name.example.com.security-findings-a', 'aws.partner.very-long-vendor-name.example.com.security-findings-b'];
    const names = sources.map((s) => sourceRule(s, long).name);
    expect(names.every((n) => n.length <= NAME_LIMITS.rule && n.startsWith(long.names.sourceRulePrefix))).toBe(true);
    expect(new Set(names).size).toBe(2);
  });
});

describe('event-sources ensure', () => {
  it('creates one rule per listed source when none exist', async () => {
    events.on(ListRulesCommand).resolves({ Rules: [] });
    events.on(ListTagsForResourceCommand).callsFake((input: { ResourceARN: string }) => {
      throw notFound(input.ResourceARN);
    });
    okWrites();

    await expect(eventSourcesComponent.ensure(testConfig({ ExtraEventSources: 'aws.securityhub,aws.health' }), ctx)).resolves.toEqual({});

    expect(sentRequests(events)[0]).toEqual(['ListRulesCommand', { NamePrefix: PREFIX }]);
    expect(requestsFor('siem-test-src-securityhub')).toEqual(created('aws.securityhub', 'siem-test-src-securityhub'));
    expect(requestsFor('siem-test-src-health')).toEqual(created('aws.health', 'siem-test-src-health'));
    expect(sentRequests(events)).toHaveLength(1 + 2 * created('aws.health', 'siem-test-src-health').length);
  });

  it('converges the list: drops the source no longer listed, adds the new one, keeps the rest', async () => {
    // Before: securityhub + health. After: securityhub + inspector2.
    events.on(ListRulesCommand).resolves({
      Rules: [
        { Name: 'siem-test-src-health', Arn: arn('siem-test-src-health') },
        { Name: 'siem-test-src-securityhub', Arn: arn('siem-test-src-securityhub') },
      ],
    });
    events
      .on(ListTagsForResourceCommand)
      .resolves({ Tags: ourTags })
      .on(ListTagsForResourceCommand, { ResourceARN: arn('siem-test-src-inspector2') })
      .rejects(notFound('siem-test-src-inspector2'));
    okWrites();

    await eventSourcesComponent.ensure(testConfig({ ExtraEventSources: 'aws.securityhub,aws.inspector2' }), ctx);

    const kept = created('aws.securityhub', 'siem-test-src-securityhub');
    const added = created('aws.inspector2', 'siem-test-src-inspector2');
    const dropped = removed('siem-test-src-health');
    // The stale rule goes first; the listed ones are then ensured side by side.
    expect(sentRequests(events).slice(0, 1 + dropped.length)).toEqual([['ListRulesCommand', { NamePrefix: PREFIX }], ...dropped]);
    expect(requestsFor('siem-test-src-securityhub')).toEqual(kept);
    expect(requestsFor('siem-test-src-inspector2')).toEqual(added);
    expect(sentRequests(events)).toHaveLength(1 + dropped.length + kept.length + added.length);
    expect(events).not.toHaveReceivedCommandWith(DeleteRuleCommand, { Name: 'siem-test-src-securityhub' });
  });

  it('reads every page of ListRules before deciding what is stale', async () => {
    events
      .on(ListRulesCommand, { NamePrefix: PREFIX })
      .resolves({ Rules: [{ Name: 'siem-test-src-securityhub' }], NextToken: 'page-2' })
      .on(ListRulesCommand, { NamePrefix: PREFIX, NextToken: 'page-2' })
      .resolves({ Rules: [{ Name: 'siem-test-src-health' }] });
    events.on(ListTagsForResourceCommand).resolves({ Tags: ourTags });
    okWrites();

    await eventSourcesComponent.ensure(testConfig({ ExtraEventSources: 'aws.securityhub' }), ctx);

    expect(sentRequests(events)).toEqual([
      ['ListRulesCommand', { NamePrefix: PREFIX }],
      ['ListRulesCommand', { NamePrefix: PREFIX, NextToken: 'page-2' }],
      ...removed('siem-test-src-health'),
      ...created('aws.securityhub', 'siem-test-src-securityhub'),
    ]);
  });

  it('leaves a stale-looking rule with our prefix that is not ours in place', async () => {
    events.on(ListRulesCommand).resolves({ Rules: [{ Name: 'siem-test-src-x-guardduty' }] });
    events
      .on(ListTagsForResourceCommand, { ResourceARN: arn('siem-test-src-x-guardduty') })
      .resolves({
        Tags: [
          { Key: TAG_STACK, Value: OTHER_STACK_ID },
          { Key: TAG_NAME, Value: 'test-src-x' },
        ],
      })
      .on(ListTagsForResourceCommand, { ResourceARN: arn('siem-test-src-health') })
      .rejects(notFound('siem-test-src-health'));
    okWrites();

    await eventSourcesComponent.ensure(testConfig({ ExtraEventSources: 'aws.health' }), ctx);

    expect(sentRequests(events)).toEqual([
      ['ListRulesCommand', { NamePrefix: PREFIX }],
      ['ListTagsForResourceCommand', { ResourceARN: arn('siem-test-src-x-guardduty') }],
      ...created('aws.health', 'siem-test-src-health'),
    ]);
  });

  it('fails naming the rule when PutTargets reports a failed entry', async () => {
    events.on(ListRulesCommand).resolves({ Rules: [] });
    events.on(ListTagsForResourceCommand).rejects(notFound('siem-test-src-health'));
    okWrites();
    events.on(PutTargetsCommand).resolves({
      FailedEntryCount: 1,
      FailedEntries: [{ TargetId: 'kinesis-stream', ErrorCode: 'ValidationException', ErrorMessage: 'Role is invalid' }],
    });

    await expect(eventSourcesComponent.ensure(testConfig({ ExtraEventSources: 'aws.health' }), ctx)).rejects.toThrow(
      'PutTargets on EventBridge rule siem-test-src-health failed: kinesis-stream: ValidationException Role is invalid',
    );
  });
});

describe('event-sources remove', () => {
  it('removes every rule of ours under the prefix, whatever the config lists now', async () => {
    events.on(ListRulesCommand).resolves({ Rules: [{ Name: 'siem-test-src-health' }, { Name: 'siem-test-src-securityhub' }] });
    events.on(ListTagsForResourceCommand).resolves({ Tags: ourTags });
    okWrites();

    await eventSourcesComponent.remove(testConfig(), ctx);

    expect(sentRequests(events)).toEqual([
      ['ListRulesCommand', { NamePrefix: PREFIX }],
      ...removed('siem-test-src-health'),
      ...removed('siem-test-src-securityhub'),
    ]);
  });

  it('is done when every rule is already gone at every step', async () => {
    events.on(ListRulesCommand).resolves({ Rules: [{ Name: 'siem-test-src-health' }, { Name: 'siem-test-src-securityhub' }] });
    events
      .on(ListTagsForResourceCommand, { ResourceARN: arn('siem-test-src-health') })
      .rejects(notFound('siem-test-src-health'))
      .on(ListTagsForResourceCommand, { ResourceARN: arn('siem-test-src-securityhub') })
      .resolves({ Tags: ourTags });
    events.on(ListTargetsByRuleCommand).rejects(notFound('siem-test-src-securityhub'));

    await expect(eventSourcesComponent.remove(testConfig(), ctx)).resolves.toBeUndefined();

    expect(sentRequests(events)).toEqual([
      ['ListRulesCommand', { NamePrefix: PREFIX }],
      ['ListTagsForResourceCommand', { ResourceARN: arn('siem-test-src-health') }],
      ['ListTagsForResourceCommand', { ResourceARN: arn('siem-test-src-securityhub') }],
      ['ListTargetsByRuleCommand', { Rule: 'siem-test-src-securityhub' }],
    ]);
  });

  it('is done at once when no rule has our prefix', async () => {
    events.on(ListRulesCommand).resolves({ Rules: [] });

    await eventSourcesComponent.remove(testConfig(), ctx);

    expect(sentRequests(events)).toEqual([['ListRulesCommand', { NamePrefix: PREFIX }]]);
  });
});

describe('event-sources inspect', () => {
  it.each([
    ['absent with no source listed and no rule', '', [], { state: 'absent' }],
    [
      'drifted when a listed source has no rule and an unlisted one remains',
      'aws.health',
      [{ Name: 'siem-test-src-securityhub' }],
      {
        state: 'drifted',
        details: {
          rules: { 'siem-test-src-health': 'absent' },
          differences: ['rule siem-test-src-securityhub is not wanted', 'rule siem-test-src-health is absent'],
        },
      },
    ],
  ])('%s', async (_case, sources, rules, expected) => {
    events.on(ListRulesCommand).resolves({ Rules: rules });
    events
      .on(ListTagsForResourceCommand)
      .rejects(notFound('siem-test-src-health'))
      .on(ListTagsForResourceCommand, { ResourceARN: arn('siem-test-src-securityhub') })
      .resolves({ Tags: ourTags });

    await expect(eventSourcesComponent.inspect(testConfig({ ExtraEventSources: sources }), ctx)).resolves.toEqual(expected);
    expect(events).not.toHaveReceivedCommand(PutRuleCommand);
  });

  it.each([
    ['pipeline test-src-x of another stack', OTHER_STACK_ID, 'test-src-x'],
    ['pipeline test-src-x of this stack', TEST_STACK_ID, 'test-src-x'],
  ])('does not report a rule under our prefix that belongs to %s (names share a prefix)', async (_case, stack, name) => {
    events.on(ListRulesCommand).resolves({ Rules: [{ Name: 'siem-test-src-x-guardduty' }, { Name: 'siem-test-src-health' }] });
    events
      .on(ListTagsForResourceCommand)
      .resolves({ Tags: ourTags })
      .on(ListTagsForResourceCommand, { ResourceARN: arn('siem-test-src-x-guardduty') })
      .resolves({
        Tags: [
          { Key: TAG_STACK, Value: stack },
          { Key: TAG_NAME, Value: name },
        ],
      });
    events
      .on(DescribeRuleCommand)
      .resolves({ Name: 'siem-test-src-health', EventPattern: JSON.stringify({ source: ['aws.health'] }), State: 'ENABLED', Arn: arn('siem-test-src-health') });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [TARGET] });

    await expect(eventSourcesComponent.inspect(testConfig({ ExtraEventSources: 'aws.health' }), ctx)).resolves.toEqual({
      state: 'present',
      details: { rules: { 'siem-test-src-health': 'present' } },
    });
  });
});
