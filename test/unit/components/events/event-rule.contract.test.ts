import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { diffStreamRule, PARTITION_KEY_PATH, STREAM_TARGET_ID, type RuleFound, type RuleWanted } from '../../../../src/components/events/event-rule';
import { diffSourceRules, type SourceRulesFound } from '../../../../src/sources/event-sources/event-sources';

const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/siem/1';
const target = {
  Id: STREAM_TARGET_ID,
  Arn: 'arn:aws:kinesis:us-east-1:1:stream/s',
  RoleArn: 'arn:aws:iam::1:role/e',
  KinesisParameters: { PartitionKeyPath: PARTITION_KEY_PATH },
};
const wanted = (name: string, source: string): RuleWanted => ({
  spec: { name, pattern: { source: [source] }, description: 'd' },
  stackId: STACK,
  pipeline: 'demo',
  target,
});
const want = wanted('r', 'aws.health');
const tags = { [TAG_STACK]: STACK, [TAG_NAME]: 'demo' };
const rule = { pattern: '{"source":["aws.health"]}', state: 'ENABLED', arn: 'arn:aws:events:us-east-1:1:rule/r', targets: [target] };

describe('stream rule diff (pure)', () => {
  it.each<[string, RuleFound, [string, unknown][]]>([
    ['absent: create, rule and target at once', {}, [['create', 'all']]],
    ['unread (ensure): put both', { tags }, [['update', 'all']]],
    ['as desired (spacing and key order aside): nothing', { tags, rule: { ...rule, pattern: '{ "source" : [ "aws.health" ] }' } }, []],
    ['disabled: the rule', { tags, rule: { ...rule, state: 'DISABLED' } }, [['update', 'rule']]],
    ['another pattern: the rule', { tags, rule: { ...rule, pattern: '{"source":["aws.ec2"]}' } }, [['update', 'rule']]],
    ['a pattern that is not JSON: the rule', { tags, rule: { ...rule, pattern: '{' } }, [['update', 'rule']]],
    ['no target: the target', { tags, rule: { ...rule, targets: [] } }, [['update', 'target']]],
    ['only a target of another id: the target', { tags, rule: { ...rule, targets: [{ ...target, Id: 'other' }] } }, [['update', 'target']]],
    ['a target of another role: the target', { tags, rule: { ...rule, targets: [{ ...target, RoleArn: 'x' }] } }, [['update', 'target']]],
    [
      'a target with another partition key: the target',
      { tags, rule: { ...rule, targets: [{ ...target, KinesisParameters: undefined }] } },
      [['update', 'target']],
    ],
    [
      'disabled, other pattern, no target: all three',
      { tags, rule: { ...rule, state: 'DISABLED', pattern: '{}', targets: [] } },
      [
        ['update', 'rule'],
        ['update', 'rule'],
        ['update', 'target'],
      ],
    ],
    ['another pipeline of this stack: conflict', { tags: { ...tags, [TAG_NAME]: 'other' } }, [['conflict', undefined]]],
    ['another stack: conflict', { tags: { [TAG_STACK]: 'other', [TAG_NAME]: 'demo' } }, [['conflict', undefined]]],
  ])('%s', (_name, found, expected) => {
    expect(diffStreamRule(found, want).map((c) => [c.kind, c.action])).toEqual(expected);
  });

  it.each<[string, RuleFound, { field: string; from: unknown; to: unknown }]>([
    ['the state', { tags, rule: { ...rule, state: 'DISABLED' } }, { field: 'state', from: 'DISABLED', to: 'ENABLED' }],
    [
      'a missing target',
      { tags, rule: { ...rule, targets: [] } },
      { field: 'stream target', from: 'missing', to: `${target.Arn} as ${target.RoleArn} by $.id` },
    ],
    [
      'a target without a role',
      { tags, rule: { ...rule, targets: [{ ...target, RoleArn: undefined }] } },
      { field: 'stream target', from: `${target.Arn} as (no role) by $.id`, to: `${target.Arn} as ${target.RoleArn} by $.id` },
    ],
  ])('names %s from -> to', (_name, found, field) => {
    expect(diffStreamRule(found, want)).toEqual([expect.objectContaining({ kind: 'update', resource: 'EventBridge rule r', fields: [field] })]);
  });

  it('a conflict says whose the rule is', () => {
    expect(diffStreamRule({ tags: { ...tags, [TAG_NAME]: 'other' } }, want)).toEqual([
      { kind: 'conflict', resource: 'EventBridge rule r', description: 'EventBridge rule r exists but belongs to pipeline other of this stack, not demo' },
    ]);
  });
});

describe('source rules diff (pure)', () => {
  const health = wanted('p-health', 'aws.health');
  const hub = wanted('p-securityhub', 'aws.securityhub');
  const asWanted = (name: string, source: string): RuleFound => ({ tags, rule: { ...rule, pattern: JSON.stringify({ source: [source] }), arn: name } });

  it.each<[string, SourceRulesFound, RuleWanted[], [string, string, string][]]>([
    [
      'ensure (rules unread): every listed rule is converged on apply',
      { names: [] },
      [health, hub],
      [
        ['update', 'p-health', 'ensure rule p-health'],
        ['update', 'p-securityhub', 'ensure rule p-securityhub'],
      ],
    ],
    [
      'ensure: a rule no longer listed is deleted first',
      { names: ['p-old', 'p-health'] },
      [health],
      [
        ['delete', 'p-old', 'rule p-old is not wanted'],
        ['update', 'p-health', 'ensure rule p-health'],
      ],
    ],
    [
      'inspect, nothing there: create each, named by its rule',
      { names: [], rules: {} },
      [health, hub],
      [
        ['create', 'p-health', 'p-health'],
        ['create', 'p-securityhub', 'p-securityhub'],
      ],
    ],
    ['inspect, as desired: nothing', { names: ['p-health'], rules: { 'p-health': asWanted('p-health', 'aws.health') } }, [health], []],
    [
      'inspect, one disabled, one unlisted: its update and the delete',
      { names: ['p-old', 'p-health'], rules: { 'p-health': { tags, rule: { ...asWanted('p-health', 'aws.health').rule!, state: 'DISABLED' } } } },
      [health],
      [
        ['delete', 'p-old', 'rule p-old is not wanted'],
        ['update', 'p-health', 'p-health: state is DISABLED'],
      ],
    ],
    ['nothing listed, nothing there: nothing', { names: [], rules: {} }, [], []],
  ])('%s', (_name, found, want, expected) => {
    expect(diffSourceRules(found, want).map((c) => [c.kind, c.action?.rule, c.description])).toEqual(expected);
  });
});
