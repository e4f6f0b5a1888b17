import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { diffStreamRule, PARTITION_KEY_PATH, STREAM_TARGET_ID, type RuleFound, type RuleWanted } from '../../../../src/pipeline/components/event-rule';

const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/siem/1';
const target = { Id: STREAM_TARGET_ID, Arn: 'arn:aws:kinesis:us-east-1:1:stream/s', RoleArn: 'arn:aws:iam::1:role/e', KinesisParameters: { PartitionKeyPath: PARTITION_KEY_PATH } };
const want: RuleWanted = { spec: { name: 'r', pattern: { source: ['aws.health'] }, description: 'd' }, stackId: STACK, pipeline: 'demo', target };
const tags = { [TAG_STACK]: STACK, [TAG_NAME]: 'demo' };
const rule = { pattern: '{"source":["aws.health"]}', state: 'ENABLED', arn: 'arn:aws:events:us-east-1:1:rule/r', targets: [target] };

describe('stream rule diff (pure)', () => {
  it.each<[string, RuleFound, [string, unknown][]]>([
    ['absent: create, rule and target at once', {}, [['create', 'all']]],
    ['unread (ensure): put both', { tags }, [['update', 'all']]],
    ['as desired (keys in another order): nothing', { tags, rule: { ...rule, pattern: '{ "source": "aws.health" }' } }, []],
    ['disabled: the rule', { tags, rule: { ...rule, state: 'DISABLED' } }, [['update', 'rule']]],
    ['another pattern: the rule', { tags, rule: { ...rule, pattern: '{"source":["aws.ec2"]}' } }, [['update', 'rule']]],
    ['no target: the target', { tags, rule: { ...rule, targets: [] } }, [['update', 'target']]],
    ['a target of another role: the target', { tags, rule: { ...rule, targets: [{ ...target, RoleArn: 'x' }] } }, [['update', 'target']]],
    ['another pipeline of this stack: conflict', { tags: { ...tags, [TAG_NAME]: 'other' } }, [['conflict', undefined]]],
  ])('%s', (_name, found, expected) => {
    expect(diffStreamRule(found, want).map((c) => [c.kind, c.action])).toEqual(expected);
  });

  it('names the state change from -> to', () => {
    expect(diffStreamRule({ tags, rule: { ...rule, state: 'DISABLED' } }, want)).toEqual([
      { kind: 'update', resource: 'EventBridge rule r', description: 'state is DISABLED', fields: [{ field: 'state', from: 'DISABLED', to: 'ENABLED' }], action: 'rule' },
    ]);
  });
});
