import { TAG_STACK } from '../../../../src/config/names';
import { statusOf } from '../../../../src/components/component';
import { diffLogGroup, type GroupFound, type GroupWanted } from '../../../../src/components/logs/log-group-plan';

const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/siem/1';
const OWN = '/siem-pipeline/demo/cloudtrail';
const ORG = 'org/cloudtrail';
const subscription = {
  filterName: 'siem-demo-to-kinesis',
  destinationArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/siem-demo',
  roleArn: 'arn:aws:iam::123456789012:role/siem-pipeline/siem-demo-us-east-1-cwl-to-kinesis',
  filterPattern: '',
};
const own: GroupWanted = { group: OWN, ownGroup: OWN, reused: false, stackId: STACK, wanted: true, retentionInDays: 1, subscription };
const reused: GroupWanted = { ...own, group: ORG, reused: true };
const ours = { [TAG_STACK]: STACK };
const found = (over: Partial<GroupFound> = {}): GroupFound => ({ group: OWN, read: true, tags: ours, retentionInDays: 1, filter: subscription, ...over });
const onOrg = (over: Partial<GroupFound> = {}): GroupFound => ({ group: ORG, read: true, filter: subscription, recorded: ORG, ...over });

describe('log group diff (pure): our own group', () => {
  it.each<[string, GroupFound, GroupWanted, [string, string | undefined][]]>([
    ['unread (ensure): create (or converge), with retention and filter', { group: OWN, read: false }, own, [['create', 'create']]],
    ['absent: create', { group: OWN, read: true }, own, [['create', 'create']]],
    ['absent and not wanted: the create alone, which inspect reports absent', { group: OWN, read: true }, { ...own, wanted: false }, [['create', 'create']]],
    ['as desired: nothing', found(), own, []],
    ['retention never expires: set it', found({ retentionInDays: undefined }), own, [['update', 'retention']]],
    ['filter missing: put it', found({ filter: undefined }), own, [['update', 'subscribe']]],
    [
      'another role and pattern: one change each, one put',
      found({ filter: { ...subscription, roleArn: 'r', filterPattern: 'x' } }),
      own,
      [
        ['update', 'subscribe'],
        ['update', 'subscribe'],
      ],
    ],
    ['ours but not wanted: delete', found({ retentionInDays: 30 }), { ...own, wanted: false }, [['delete', undefined]]],
  ])('%s', (_name, current, want, changes) => {
    expect(diffLogGroup(current, want).map((c) => [c.kind, c.action])).toEqual(changes);
  });

  it('names each setting from -> to, as inspect reports it', () => {
    const changes = diffLogGroup(found({ retentionInDays: 30, filter: { ...subscription, filterPattern: '[x]' } }), own);
    expect(changes).toEqual([
      expect.objectContaining({ description: 'retention 30 days, want 1', fields: [{ field: 'retentionInDays', from: 30, to: 1 }] }),
      expect.objectContaining({ description: 'subscription filter pattern changed', fields: [{ field: 'filterPattern', from: '[x]', to: '' }] }),
    ]);
    expect(statusOf(changes, { logGroup: OWN })).toEqual({
      state: 'drifted',
      details: { logGroup: OWN, differences: ['retention 30 days, want 1', 'subscription filter pattern changed'] },
    });
  });

  it.each([
    ['another stack', { [TAG_STACK]: 'other' }],
    ['no one', {}],
  ])('a group of %s is a conflict, and nothing else', (_name, tags) => {
    expect(diffLogGroup(found({ tags, retentionInDays: 30 }), own)).toEqual([
      { kind: 'conflict', resource: `log group ${OWN}`, description: expect.stringContaining('exists but is not managed by this stack') },
    ]);
  });
});

describe('log group diff (pure): a reused trail group', () => {
  it.each<[string, GroupFound, GroupWanted, [string, string | undefined][], string]>([
    [
      'unread record, no filter yet: adopt (record) and subscribe',
      onOrg({ filter: undefined, recorded: undefined }),
      reused,
      [
        ['adopt', 'record'],
        ['create', 'subscribe'],
      ],
      'absent',
    ],
    ['recorded, our filter as wanted: nothing', onOrg(), reused, [], 'present'],
    ['our filter as wanted, not recorded: record only, no drift', onOrg({ recorded: null }), reused, [['adopt', 'record']], 'present'],
    ['our filter with another destination: put it', onOrg({ filter: { ...subscription, destinationArn: 'x' } }), reused, [['update', 'subscribe']], 'drifted'],
    [
      "a rename: our filter takes the predecessor's slot (apply deletes that filter first)",
      onOrg({ filter: undefined, predecessor: 'siem-old-to-kinesis' }),
      reused,
      [['create', 'subscribe']],
      'absent',
    ],
    ['our own group left from before the switch: removed', onOrg({ tags: ours }), reused, [['delete', 'remove-own']], 'drifted'],
    ['a group with our name that is not ours: left alone', onOrg({ tags: {} }), reused, [], 'present'],
    [
      'the reused group is missing (inspect; ensure names it): subscribe',
      { group: ORG, read: true },
      reused,
      [
        ['adopt', 'record'],
        ['create', 'subscribe'],
      ],
      'absent',
    ],
    ['not wanted, our filter on it: delete', onOrg(), { ...reused, wanted: false }, [['delete', undefined]], 'drifted'],
    [
      'not wanted, no filter of ours: the create alone, which inspect reports absent',
      onOrg({ filter: undefined }),
      { ...reused, wanted: false },
      [['create', 'subscribe']],
      'absent',
    ],
  ])('%s', (_name, current, want, changes, state) => {
    const diff = diffLogGroup(current, want);
    expect(diff.map((c) => [c.kind, c.action])).toEqual(changes);
    expect(statusOf(diff).state).toBe(state);
  });

  it("says what the plan shows: adopt, subscribe <group> (in the place of a rename predecessor's filter)", () => {
    expect(diffLogGroup(onOrg({ filter: undefined, predecessor: 'siem-old-to-kinesis', recorded: null }), reused)).toEqual([
      { kind: 'adopt', resource: `log group ${ORG}`, description: 'reused: only our filter goes on it', action: 'record' },
      { kind: 'create', resource: `log group ${ORG}`, description: `subscribe ${ORG} in place of siem-old-to-kinesis`, action: 'subscribe' },
    ]);
  });
});
