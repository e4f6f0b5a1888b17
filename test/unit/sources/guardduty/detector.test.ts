import {
  AccessDeniedException,
  BadRequestException,
  CreateDetectorCommand,
  GetDetectorCommand,
  InternalServerErrorException,
  ListDetectorsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateDetectorCommand,
} from '@aws-sdk/client-guardduty';
import { guardDutyDetectorComponent } from '../../../../src/sources/guardduty/detector';
import { awsError, sentCommands, sentRequests } from '../../helpers/aws-mock';
import { createTestContext, testConfig } from '../../helpers/context';
import { adoptedTags, alreadyExists, ARN, detector, DETECTOR, messages, mockGuardDuty, notOwned, ourTags, PROVISIONAL } from './detector-helpers';

const guardduty = mockGuardDuty();

describe('guardduty-detector enabled', () => {
  it.each([
    [{}, true],
    [{ EnableGuardDuty: 'false' }, false],
    [{ CreateGuardDutyDetector: 'false' }, true],
  ])('%j -> %s', (props, expected) => {
    const { ctx } = createTestContext();
    expect(guardDutyDetectorComponent.enabled(testConfig(props), ctx)).toBe(expected);
  });
});

describe('guardduty-detector ensure', () => {
  it.each([
    ['the same frequency: no write', 'FIFTEEN_MINUTES', {}, [], []],
    [
      'another frequency: the original is recorded on it, then only the frequency is updated',
      'SIX_HOURS',
      {},
      [
        ['TagResourceCommand', { ResourceArn: ARN, Tags: adoptedTags('SIX_HOURS') }],
        ['UpdateDetectorCommand', { DetectorId: DETECTOR, FindingPublishingFrequency: 'FIFTEEN_MINUTES' }],
      ],
      ['info: finding publishing frequency updated'],
    ],
    [
      'ONE_HOUR asked for, FIFTEEN_MINUTES set',
      'FIFTEEN_MINUTES',
      { GuardDutyFindingFrequency: 'ONE_HOUR' },
      [
        ['TagResourceCommand', { ResourceArn: ARN, Tags: adoptedTags('FIFTEEN_MINUTES') }],
        ['UpdateDetectorCommand', { DetectorId: DETECTOR, FindingPublishingFrequency: 'ONE_HOUR' }],
      ],
      ['info: finding publishing frequency updated'],
    ],
  ])('adopts an existing detector with %s', async (_case, current, props, writes, logged) => {
    const t = createTestContext();
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [DETECTOR] });
    guardduty.on(GetDetectorCommand).resolves(detector({ FindingPublishingFrequency: current as 'SIX_HOURS' }));
    guardduty.on(UpdateDetectorCommand).resolves({});
    guardduty.on(TagResourceCommand).resolves({});

    await expect(guardDutyDetectorComponent.ensure(testConfig(props), t.ctx)).resolves.toEqual({ GuardDutyDetectorId: DETECTOR });

    expect(sentRequests(guardduty)).toEqual([['ListDetectorsCommand', {}], ['GetDetectorCommand', { DetectorId: DETECTOR }], ...writes]);
    expect(guardduty).not.toHaveReceivedCommand(CreateDetectorCommand);
    expect(messages(t.logs())).toEqual(expect.arrayContaining([...logged, 'info: adopted existing detector (never deleted by this stack)']));
    expect(messages(t.logs()).includes('info: finding publishing frequency updated')).toBe(logged.length > 0);
  });

  describe('when GuardDuty refuses the frequency (a member account of a GuardDuty organization)', () => {
    const refused = () => awsError(BadRequestException, 'The request is rejected because a member account cannot update this setting.');

    it.each([
      ['GuardDuty refuses it (organization member)', refused],
      [
        "IAM denies it (the template lets UpdateDetector touch only a detector recorded as this stack's)",
        () => awsError(AccessDeniedException, 'not authorized to perform: guardduty:UpdateDetector'),
      ],
    ])('an adopted detector keeps its frequency, and the record put on it comes off again, with a warning, when %s', async (_why, error) => {
      const t = createTestContext();
      guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [DETECTOR] });
      guardduty.on(GetDetectorCommand).resolves(detector({ FindingPublishingFrequency: 'SIX_HOURS' }));
      guardduty.on(UpdateDetectorCommand).rejects(error());
      guardduty.on(TagResourceCommand).resolves({});
      guardduty.on(UntagResourceCommand).resolves({});

      await expect(guardDutyDetectorComponent.ensure(testConfig(), t.ctx)).resolves.toEqual({ GuardDutyDetectorId: DETECTOR });

      expect(sentCommands(guardduty)).toEqual([
        'ListDetectorsCommand',
        'GetDetectorCommand',
        'TagResourceCommand',
        'UpdateDetectorCommand',
        'UntagResourceCommand',
      ]);
      expect(guardduty).toHaveReceivedCommandWith(UntagResourceCommand, { ResourceArn: ARN, TagKeys: Object.keys(adoptedTags('SIX_HOURS')) });
      expect(messages(t.logs())).toContain('warn: finding publishing frequency of the adopted detector not changed: GuardDuty refused it');
    });

    it('our own detector fails the step', async () => {
      const { ctx } = createTestContext();
      guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [DETECTOR] });
      guardduty.on(GetDetectorCommand).resolves(detector({ FindingPublishingFrequency: 'SIX_HOURS', Tags: ourTags }));
      guardduty.on(UpdateDetectorCommand).rejects(refused());

      await expect(guardDutyDetectorComponent.ensure(testConfig(), ctx)).rejects.toThrow('member account cannot update');
    });
  });

  it('finds the detector on a later page of ListDetectors', async () => {
    const { ctx } = createTestContext();
    guardduty
      .on(ListDetectorsCommand, {})
      .resolves({ DetectorIds: [], NextToken: 'page-2' })
      .on(ListDetectorsCommand, { NextToken: 'page-2' })
      .resolves({ DetectorIds: [DETECTOR] });
    guardduty.on(GetDetectorCommand).resolves(detector());

    await expect(guardDutyDetectorComponent.ensure(testConfig(), ctx)).resolves.toEqual({ GuardDutyDetectorId: DETECTOR });
    expect(sentRequests(guardduty).slice(0, 2)).toEqual([
      ['ListDetectorsCommand', {}],
      ['ListDetectorsCommand', { NextToken: 'page-2' }],
    ]);
    expect(guardduty).not.toHaveReceivedCommand(CreateDetectorCommand);
  });

  it('leaves a disabled detector disabled and unchanged, with a warning', async () => {
    const t = createTestContext();
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [DETECTOR] });
    guardduty.on(GetDetectorCommand).resolves(detector({ Status: 'DISABLED', FindingPublishingFrequency: 'SIX_HOURS' }));

    await expect(guardDutyDetectorComponent.ensure(testConfig(), t.ctx)).resolves.toEqual({ GuardDutyDetectorId: DETECTOR });

    expect(sentCommands(guardduty)).toEqual(['ListDetectorsCommand', 'GetDetectorCommand']);
    expect(messages(t.logs())).toEqual([
      'info: adopted existing detector (never deleted by this stack)',
      'warn: detector is DISABLED: no findings flow; left as it is',
      'warn: finding publishing frequency is SIX_HOURS, wanted FIFTEEN_MINUTES',
    ]);
  });

  it('creates an enabled, tagged detector with the asked frequency when none exists', async () => {
    const { ctx } = createTestContext();
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
    guardduty.on(CreateDetectorCommand).resolves({ DetectorId: DETECTOR });

    await expect(guardDutyDetectorComponent.ensure(testConfig({ GuardDutyFindingFrequency: 'ONE_HOUR' }), ctx)).resolves.toEqual({
      GuardDutyDetectorId: DETECTOR,
    });

    expect(sentRequests(guardduty)).toEqual([
      ['ListDetectorsCommand', {}],
      // Provisional until the whole request succeeds (commit): a failed Create's Delete removes it.
      ['CreateDetectorCommand', { Enable: true, FindingPublishingFrequency: 'ONE_HOUR', Tags: { ...ourTags, [PROVISIONAL]: 'true' } }],
    ]);
  });

  it('creates nothing and says findings will not flow when none exists and CreateGuardDutyDetector is false', async () => {
    const t = createTestContext();
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [] });

    await expect(guardDutyDetectorComponent.ensure(testConfig({ CreateGuardDutyDetector: 'false' }), t.ctx)).resolves.toEqual({
      GuardDutyDetectorId: '',
    });

    expect(sentCommands(guardduty)).toEqual(['ListDetectorsCommand']);
    expect(messages(t.logs())).toContain('warn: no GuardDuty detector in this region and CreateGuardDutyDetector is false: no GuardDuty findings will flow');
  });

  it('adopts the detector a racing duplicate delivery created (BadRequestException "already exists")', async () => {
    const t = createTestContext();
    guardduty
      .on(ListDetectorsCommand)
      .resolvesOnce({ DetectorIds: [] })
      .resolves({ DetectorIds: [DETECTOR] });
    guardduty.on(CreateDetectorCommand).rejects(alreadyExists());
    guardduty.on(GetDetectorCommand).resolves(detector({ Tags: ourTags }));

    await expect(guardDutyDetectorComponent.ensure(testConfig(), t.ctx)).resolves.toEqual({ GuardDutyDetectorId: DETECTOR });

    expect(sentCommands(guardduty)).toEqual(['ListDetectorsCommand', 'CreateDetectorCommand', 'ListDetectorsCommand', 'GetDetectorCommand']);
    expect(messages(t.logs())).toEqual(['info: already exists']);
  });

  it.each([
    ['another BadRequestException', () => notOwned(), 'detectorId is not owned'],
    ['an internal error', () => awsError(InternalServerErrorException, 'Internal server error'), 'Internal server error'],
  ])('rethrows %s from CreateDetector', async (_case, error, message) => {
    const { ctx } = createTestContext();
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
    guardduty.on(CreateDetectorCommand).rejects(error());

    await expect(guardDutyDetectorComponent.ensure(testConfig(), ctx)).rejects.toThrow(message);
    expect(sentCommands(guardduty)).toEqual(['ListDetectorsCommand', 'CreateDetectorCommand']);
  });

  it('rethrows "already exists" when listing again still finds no detector', async () => {
    const { ctx } = createTestContext();
    guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
    guardduty.on(CreateDetectorCommand).rejects(alreadyExists());

    await expect(guardDutyDetectorComponent.ensure(testConfig(), ctx)).rejects.toThrow('a detector already exists');
  });
});
