import {
  DeleteDetectorCommand,
  GetDetectorCommand,
  ListDetectorsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateDetectorCommand,
  type GetDetectorCommandOutput,
} from '@aws-sdk/client-guardduty';
import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { guardDutyDetectorComponent } from '../../../../src/sources/guardduty/detector';
import { sentRequests } from '../../helpers/aws-mock';
import { createTestContext, OTHER_STACK_ID, TEST_STACK_ID, testConfig } from '../../helpers/context';
import { adoptedTags, ARN, detector, DETECTOR, mockGuardDuty, ourTags, PREVIOUS, PROVISIONAL } from './detector-helpers';

const guardduty = mockGuardDuty();

describe('guardduty-detector ownership recorded on the detector', () => {
  /** Runs `op` on a detector with these tags and settings; returns the writes after ListDetectors + GetDetector. */
  const writesOf = async (
    op: 'ensure' | 'remove',
    Tags: Record<string, string>,
    over: Partial<GetDetectorCommandOutput> = {},
    props: Record<string, string> = {},
  ) => {
    const t = createTestContext();
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [DETECTOR] });
    guardduty.on(GetDetectorCommand).resolves(detector({ Tags, ...over }));
    for (const c of [TagResourceCommand, UntagResourceCommand, UpdateDetectorCommand, DeleteDetectorCommand] as const) guardduty.on(c as never).resolves({});
    await guardDutyDetectorComponent[op](testConfig(props), t.ctx);
    return sentRequests(guardduty).slice(2);
  };

  it.each([
    ['ours, disabled by someone: enabled again', ourTags, { Status: 'DISABLED' as const }, [['UpdateDetectorCommand', { DetectorId: DETECTOR, Enable: true }]]],
    ['adopted, disabled: left disabled', {}, { Status: 'DISABLED' as const }, []],
    ['adopted by us, disabled: left disabled', adoptedTags('SIX_HOURS'), { Status: 'DISABLED' as const }, []],
    [
      'created by pipeline "old" of this stack (a rename): taken over, the old name recorded',
      { [TAG_NAME]: 'old', [TAG_STACK]: TEST_STACK_ID },
      {},
      [['TagResourceCommand', { ResourceArn: ARN, Tags: { [TAG_NAME]: 'test', [PREVIOUS]: 'old' } }]],
    ],
    [
      'adopted by pipeline "old" of this stack (a rename): taken over',
      { ...adoptedTags('SIX_HOURS'), 'siem-pipeline:adopted-name': 'old' },
      {},
      [['TagResourceCommand', { ResourceArn: ARN, Tags: { 'siem-pipeline:adopted-name': 'test', [PREVIOUS]: 'old' } }]],
    ],
    [
      'handed to "new" from this pipeline and not handed back (a failed rename): taken back',
      { [TAG_NAME]: 'new', [TAG_STACK]: TEST_STACK_ID, [PREVIOUS]: 'test' },
      {},
      [
        ['TagResourceCommand', { ResourceArn: ARN, Tags: { [TAG_NAME]: 'test' } }],
        ['UntagResourceCommand', { ResourceArn: ARN, TagKeys: [PREVIOUS] }],
      ],
    ],
    [
      'provisional, of another stack with this pipeline name (its Create may still run): used as it is',
      { [TAG_NAME]: 'test', [TAG_STACK]: OTHER_STACK_ID, [PROVISIONAL]: 'true' },
      { FindingPublishingFrequency: 'SIX_HOURS' as const },
      [],
    ],
    [
      'created by another stack that finished: used as it is',
      { [TAG_NAME]: 'test', [TAG_STACK]: OTHER_STACK_ID },
      { FindingPublishingFrequency: 'SIX_HOURS' as const },
      [],
    ],
    [
      'adopted by another stack: used as it is',
      { ...adoptedTags('ONE_HOUR'), 'siem-pipeline:adopted-stack': OTHER_STACK_ID },
      { FindingPublishingFrequency: 'SIX_HOURS' as const },
      [],
    ],
  ])('ensure: %s', async (_case, tags, over, writes) => {
    expect(await writesOf('ensure', tags, over)).toEqual(writes);
  });

  it.each([
    [
      'provisional (its Create failed), GuardDutyOnDelete Retain: deleted',
      { ...ourTags, [PROVISIONAL]: 'true' },
      {},
      [['DeleteDetectorCommand', { DetectorId: DETECTOR }]],
    ],
    [
      'adopted by us: frequency restored, our tags removed',
      adoptedTags('SIX_HOURS'),
      { GuardDutyOnDelete: 'Delete' },
      [
        ['UpdateDetectorCommand', { DetectorId: DETECTOR, FindingPublishingFrequency: 'SIX_HOURS' }],
        ['UntagResourceCommand', { ResourceArn: ARN, TagKeys: Object.keys(adoptedTags('SIX_HOURS')) }],
      ],
    ],
    [
      'handed over to "new" (the rename cleanup Delete of this old name): only the hand-over record comes off',
      { [TAG_NAME]: 'new', [TAG_STACK]: TEST_STACK_ID, [PREVIOUS]: 'test' },
      { GuardDutyOnDelete: 'Delete' },
      [['UntagResourceCommand', { ResourceArn: ARN, TagKeys: [PREVIOUS] }]],
    ],
    [
      'taken over from "old" (a failed rename cleans up): handed back to "old", not deleted',
      { ...ourTags, [PREVIOUS]: 'old' },
      { GuardDutyOnDelete: 'Delete' },
      [
        ['TagResourceCommand', { ResourceArn: ARN, Tags: { [TAG_NAME]: 'old' } }],
        ['UntagResourceCommand', { ResourceArn: ARN, TagKeys: [PREVIOUS] }],
      ],
    ],
    ['used by pipeline "other" of this stack: left alone', { [TAG_NAME]: 'other', [TAG_STACK]: TEST_STACK_ID }, { GuardDutyOnDelete: 'Delete' }, []],
  ])('remove: %s', async (_case, tags, props, writes) => {
    expect(await writesOf('remove', tags, { FindingPublishingFrequency: 'FIFTEEN_MINUTES' }, props)).toEqual(writes);
  });

  it.each([
    ['provisional: the mark comes off', { ...ourTags, [PROVISIONAL]: 'true' }, [['UntagResourceCommand', { ResourceArn: ARN, TagKeys: [PROVISIONAL] }]]],
    ['not provisional: nothing', ourTags, []],
    ['provisional of another stack: nothing', { [TAG_NAME]: 'test', [TAG_STACK]: OTHER_STACK_ID, [PROVISIONAL]: 'true' }, []],
  ])('commit: %s', async (_case, Tags, writes) => {
    const { ctx } = createTestContext();
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [DETECTOR] });
    guardduty.on(GetDetectorCommand).resolves(detector({ Tags }));
    guardduty.on(UntagResourceCommand).resolves({});
    await guardDutyDetectorComponent.commit!(testConfig(), ctx);
    expect(sentRequests(guardduty).slice(2)).toEqual(writes);
  });
});
