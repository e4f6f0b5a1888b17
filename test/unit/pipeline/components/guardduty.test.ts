import {
  AccessDeniedException,
  BadRequestException,
  CreateDetectorCommand,
  DeleteDetectorCommand,
  GetDetectorCommand,
  GuardDutyClient,
  InternalServerErrorException,
  ListDetectorsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateDetectorCommand,
  type GetDetectorCommandOutput,
} from '@aws-sdk/client-guardduty';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { guardDutyDetectorComponent } from '../../../../src/components/guardduty/detector';
import { awsError, sentCommands, sentRequests } from '../../helpers/aws-mock';
import { createTestContext, OTHER_STACK_ID, TEST_STACK_ID, testConfig } from '../../helpers/context';

const guardduty = mockClient(GuardDutyClient);
const DETECTOR = '12abc34d567e8fa901bc2d34e56789f0';
const ourTags = { [TAG_NAME]: 'test', [TAG_STACK]: TEST_STACK_ID };
const ARN = `arn:aws:guardduty:eu-west-1:123456789012:detector/${DETECTOR}`;
const PROVISIONAL = 'siem-pipeline:provisional';
const PREVIOUS = 'siem-pipeline:previous-name';
const adoptedTags = (original: string) => ({
  'siem-pipeline:adopted-stack': TEST_STACK_ID,
  'siem-pipeline:adopted-name': 'test',
  'siem-pipeline:original-frequency': original,
});

function detector(over: Partial<GetDetectorCommandOutput> = {}): Partial<GetDetectorCommandOutput> {
  return {
    Status: 'ENABLED',
    FindingPublishingFrequency: 'FIFTEEN_MINUTES',
    ServiceRole: 'arn:aws:iam::123456789012:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty',
    ...over,
  };
}
const alreadyExists = () => awsError(BadRequestException, 'The request is rejected because a detector already exists for the current account.');
const notOwned = () => awsError(BadRequestException, 'The request is rejected because the input detectorId is not owned by the current account.');

/** The messages of the captured log lines, with their level. */
function messages(logs: Record<string, unknown>[]): string[] {
  return logs.map((l) => `${String(l.level)}: ${String(l.message)}`);
}

afterEach(() => guardduty.reset());
afterAll(() => guardduty.restore());

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
    expect(messages(t.logs())).toContain('warn: GuardDuty detector is disabled: no findings will flow until it is enabled; left as it is');
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
    expect(messages(t.logs())).toEqual(expect.arrayContaining(['info: already exists', 'info: exists']));
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
          differences: ['detector is DISABLED', 'finding publishing frequency is SIX_HOURS, wanted FIFTEEN_MINUTES'],
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
