import { BadRequestException, DeleteDetectorCommand, GetDetectorCommand, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { TAG_STACK } from '../../../../src/config/names';
import { guardDutyDetectorComponent } from '../../../../src/sources/guardduty/detector';
import { awsError, sentCommands, sentRequests } from '../../helpers/aws-mock';
import { createTestContext, OTHER_STACK_ID, testConfig } from '../../helpers/context';
import { detector, DETECTOR, messages, mockGuardDuty, notOwned, ourTags } from './detector-helpers';

const guardduty = mockGuardDuty();

describe('guardduty-detector remove', () => {
  it.each([
    ['created by us, GuardDutyOnDelete Delete: deleted', ourTags, 'Delete', true, 'info: deleted'],
    ['created by us, GuardDutyOnDelete Retain: retained', ourTags, 'Retain', false, 'info: retained: GuardDutyOnDelete is Retain (keeps the findings history)'],
    ['adopted (no tags), GuardDutyOnDelete Delete: never deleted', undefined, 'Delete', false, 'info: retained: this pipeline did not create or adopt it'],
    [
      'adopted (another stack), GuardDutyOnDelete Delete: never deleted',
      { [TAG_STACK]: OTHER_STACK_ID },
      'Delete',
      false,
      'info: retained: this pipeline did not create or adopt it',
    ],
    ['adopted (no tags), GuardDutyOnDelete Retain: retained', undefined, 'Retain', false, 'info: retained: this pipeline did not create or adopt it'],
  ])('detector %s', async (_case, Tags, onDelete, deleted, logged) => {
    const t = createTestContext();
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [DETECTOR] });
    guardduty.on(GetDetectorCommand).resolves(detector(Tags ? { Tags } : {}));
    guardduty.on(DeleteDetectorCommand).resolves({});

    await guardDutyDetectorComponent.remove(testConfig({ GuardDutyOnDelete: onDelete }), t.ctx);

    expect(sentRequests(guardduty)).toEqual([
      ['ListDetectorsCommand', {}],
      ['GetDetectorCommand', { DetectorId: DETECTOR }],
      ...(deleted ? [['DeleteDetectorCommand', { DetectorId: DETECTOR }]] : []),
    ]);
    expect(messages(t.logs())).toContain(logged);
  });

  it.each([
    ['no detector exists', () => guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [] }), ['ListDetectorsCommand']],
    [
      'the detector vanishes before GetDetector',
      () => {
        guardduty
          .on(ListDetectorsCommand)
          .resolvesOnce({ DetectorIds: [DETECTOR] })
          .resolves({ DetectorIds: [] });
        guardduty.on(GetDetectorCommand).rejects(notOwned());
      },
      ['ListDetectorsCommand', 'GetDetectorCommand', 'ListDetectorsCommand'],
    ],
    [
      'the detector vanishes before DeleteDetector',
      () => {
        guardduty
          .on(ListDetectorsCommand)
          .resolvesOnce({ DetectorIds: [DETECTOR] })
          .resolves({ DetectorIds: [] });
        guardduty.on(GetDetectorCommand).resolves(detector({ Tags: ourTags }));
        guardduty.on(DeleteDetectorCommand).rejects(notOwned());
      },
      ['ListDetectorsCommand', 'GetDetectorCommand', 'DeleteDetectorCommand', 'ListDetectorsCommand'],
    ],
  ])('is done when %s', async (_case, arrange, expected) => {
    const { ctx } = createTestContext();
    arrange();
    await expect(guardDutyDetectorComponent.remove(testConfig({ GuardDutyOnDelete: 'Delete' }), ctx)).resolves.toBeUndefined();
    expect(sentCommands(guardduty)).toEqual(expected);
  });

  it('fails when DeleteDetector is refused and the detector is still there', async () => {
    const { ctx } = createTestContext();
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [DETECTOR] });
    guardduty.on(GetDetectorCommand).resolves(detector({ Tags: ourTags }));
    guardduty.on(DeleteDetectorCommand).rejects(awsError(BadRequestException, 'The request is rejected because the detector is a member account.'));

    await expect(guardDutyDetectorComponent.remove(testConfig({ GuardDutyOnDelete: 'Delete' }), ctx)).rejects.toThrow('member account');
  });
});

describe('guardduty-detector inspect', () => {
  it.each([
    ['absent without a detector', undefined, {}, { state: 'absent' }],
    [
      'present when enabled with the asked frequency',
      detector({ Tags: ourTags }),
      {},
      { state: 'present', details: { detectorId: DETECTOR, status: 'ENABLED', findingPublishingFrequency: 'FIFTEEN_MINUTES', createdByThisStack: true } },
    ],
    [
      'drifted when disabled with another frequency',
      detector({ Status: 'DISABLED', FindingPublishingFrequency: 'SIX_HOURS' }),
      {},
      {
        state: 'drifted',
        details: {
          detectorId: DETECTOR,
          status: 'DISABLED',
          findingPublishingFrequency: 'SIX_HOURS',
          createdByThisStack: false,
          differences: ['detector is DISABLED: no findings flow; left as it is', 'finding publishing frequency is SIX_HOURS, wanted FIFTEEN_MINUTES'],
        },
      },
    ],
  ])('%s', async (_case, found, props, expected) => {
    const { ctx } = createTestContext();
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: found ? [DETECTOR] : [] });
    if (found) guardduty.on(GetDetectorCommand).resolves(found);

    await expect(guardDutyDetectorComponent.inspect(testConfig(props), ctx)).resolves.toEqual(expected);
    expect(sentCommands(guardduty).every((c) => c.startsWith('List') || c.startsWith('Get'))).toBe(true);
  });
});
