import type { GetDetectorCommandOutput } from '@aws-sdk/client-guardduty';
import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { statusOf } from '../../../../src/components/component';
import { diffDetector, type DetectorFound, type DetectorWanted } from '../../../../src/sources/guardduty/detector-plan';

const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/siem/1';
const want: DetectorWanted = {
  stackId: STACK,
  tags: { [TAG_NAME]: 'demo', [TAG_STACK]: STACK },
  wanted: true,
  create: true,
  frequency: 'FIFTEEN_MINUTES',
  deleted: false,
};
const ours = { [TAG_NAME]: 'demo', [TAG_STACK]: STACK };
const adopted = { 'siem-pipeline:adopted-stack': STACK, 'siem-pipeline:adopted-name': 'demo', 'siem-pipeline:original-frequency': 'SIX_HOURS' };
const found = (Tags: Record<string, string>, over: Partial<GetDetectorCommandOutput> = {}): DetectorFound => ({
  id: 'd1',
  detector: { Status: 'ENABLED', FindingPublishingFrequency: 'FIFTEEN_MINUTES', Tags, ...over } as GetDetectorCommandOutput,
});
const sixHours = { FindingPublishingFrequency: 'SIX_HOURS' } as const;
const disabled = { Status: 'DISABLED' } as const;

describe('GuardDuty detector diff (pure)', () => {
  it.each<[string, DetectorFound, DetectorWanted, [string, string | undefined][], string]>([
    ['none: create', {}, want, [['create', 'create']], 'absent'],
    ['none, CreateGuardDutyDetector false: a create ensure only warns about', {}, { ...want, create: false }, [['create', undefined]], 'absent'],
    ['ours, as wanted: nothing', found(ours), want, [], 'present'],
    ['ours, another frequency: set it', found(ours, sixHours), want, [['update', 'frequency']], 'drifted'],
    ['ours, disabled: enable it', found(ours, disabled), want, [['update', 'enable']], 'drifted'],
    ["someone else's, as wanted: adopt, which writes nothing and is no drift", found({}), want, [['adopt', undefined]], 'present'],
    [
      "someone else's, another frequency: adopt and set it",
      found({}, sixHours),
      want,
      [
        ['adopt', undefined],
        ['update', 'frequency'],
      ],
      'drifted',
    ],
    [
      "someone else's, disabled with another frequency: adopted, nothing changed",
      found({}, { ...disabled, ...sixHours }),
      want,
      [
        ['adopt', undefined],
        ['update', undefined],
        ['update', undefined],
      ],
      'drifted',
    ],
    [
      'adopted by this pipeline, another frequency: set it (no second adopt)',
      found(adopted, { FindingPublishingFrequency: 'ONE_HOUR' }),
      want,
      [['update', 'frequency']],
      'drifted',
    ],
    [
      "another stack's: used as it is, its settings only reported",
      found({ [TAG_NAME]: 'demo', [TAG_STACK]: 'other' }, sixHours),
      want,
      [
        ['adopt', undefined],
        ['update', undefined],
      ],
      'drifted',
    ],
    ["created by this stack's pipeline old (a rename): handed over", found({ ...ours, [TAG_NAME]: 'old' }), want, [['update', 'hand-over']], 'drifted'],
    ['not wanted, absent: the create alone, which inspect reports absent', {}, { ...want, wanted: false }, [['create', 'create']], 'absent'],
    ['not wanted, ours, GuardDutyOnDelete Delete: delete', found(ours), { ...want, wanted: false, deleted: true }, [['delete', undefined]], 'drifted'],
    ['not wanted, ours, GuardDutyOnDelete Retain: kept', found(ours), { ...want, wanted: false }, [], 'present'],
    [
      'not wanted, provisional, Retain: delete',
      found({ ...ours, 'siem-pipeline:provisional': 'true' }),
      { ...want, wanted: false },
      [['delete', undefined]],
      'drifted',
    ],
    ['not wanted, adopted: kept', found(adopted), { ...want, wanted: false, deleted: true }, [], 'present'],
  ])('%s', (_name, current, wanted, changes, state) => {
    const diff = diffDetector(current, wanted);
    expect(diff.map((c) => [c.kind, c.action])).toEqual(changes);
    expect(statusOf(diff).state).toBe(state);
  });

  it('names the settings it changes from -> to, and says of the ones it leaves as found why', () => {
    expect(diffDetector(found(ours, { ...disabled, ...sixHours }), want)).toEqual([
      {
        kind: 'update',
        resource: 'GuardDuty detector d1',
        description: 'detector is DISABLED',
        fields: [{ field: 'Status', from: 'DISABLED', to: 'ENABLED' }],
        action: 'enable',
      },
      {
        kind: 'update',
        resource: 'GuardDuty detector d1',
        description: 'finding publishing frequency is SIX_HOURS, wanted FIFTEEN_MINUTES',
        fields: [{ field: 'FindingPublishingFrequency', from: 'SIX_HOURS', to: 'FIFTEEN_MINUTES' }],
        action: 'frequency',
      },
    ]);
    expect(diffDetector(found({}, disabled), want)[1]).toEqual({
      kind: 'update',
      resource: 'GuardDuty detector d1',
      description: 'detector is DISABLED: no findings flow; left as it is',
      fields: [],
    });
  });
});
