import { DeleteRuleCommand, ListRulesCommand, ListTagsForResourceCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { NAME_LIMITS, TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { eventSourcesComponent, sourceRule } from '../../../../src/sources/event-sources/event-sources';
import { sentRequests } from '../../helpers/aws-mock';
import { createTestContext, OTHER_STACK_ID, testConfig } from '../../helpers/context';
import { events, ctx, PREFIX, arn, ourTags, notFound, created, removed, requestsFor, okWrites } from './event-sources-fixtures';

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
