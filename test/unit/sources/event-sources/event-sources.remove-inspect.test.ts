import { DescribeRuleCommand, ListRulesCommand, ListTagsForResourceCommand, ListTargetsByRuleCommand, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { eventSourcesComponent } from '../../../../src/sources/event-sources/event-sources';
import { sentRequests } from '../../helpers/aws-mock';
import { OTHER_STACK_ID, TEST_STACK_ID, testConfig } from '../../helpers/context';
import { events, ctx, PREFIX, arn, ourTags, TARGET, notFound, removed, okWrites } from './event-sources-fixtures';

afterEach(() => events.reset());
afterAll(() => events.restore());

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
