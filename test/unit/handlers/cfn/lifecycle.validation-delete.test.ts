import { RequestRefusedError } from '../../../../src/handlers/cfn/request-guard';
import { createPhysicalId } from '../../../../src/handlers/cfn/lifecycle';
import { ACCOUNT, createEvent, deleteEvent, REGION, updateEvent } from './events';
import { idOf, REJECTED, setup, failureOf, PROPS } from './lifecycle-setup';

describe('handleRequest', () => {
  describe('validation before the first write, and commit after success', () => {
    it('a Create whose preflight fails calls no component and reports the rejected id', async () => {
      const s = setup();
      s.preflight.mockRejectedValueOnce(new Error('ExistingTrailLogGroup x does not exist'));
      const err = await failureOf(s.run(createEvent(PROPS)));
      expect(err.physicalResourceId).toBe(REJECTED);
      expect(err.message).toBe('Error: ExistingTrailLogGroup x does not exist');
      expect(s.calls).toEqual([]);
    });

    it.each([
      ['in place', PROPS],
      ['a rename', { PipelineName: 'prod2' }],
    ])('an Update (%s) whose preflight fails calls no component and keeps the old id', async (_case, next) => {
      const s = setup();
      s.preflight.mockRejectedValueOnce(new Error('no slot'));
      const err = await failureOf(s.run(updateEvent(idOf('prod'), next, { ...PROPS, ShardCount: '2' })));
      expect(err.physicalResourceId).toBe(idOf('prod'));
      expect(s.preflight).toHaveBeenCalledWith(expect.objectContaining({ name: next.PipelineName }), expect.anything());
      expect(s.calls).toEqual([]);
    });

    it.each([
      ['Create', () => createEvent(PROPS), 'prod'],
      ['Update', () => updateEvent(idOf('prod'), { ...PROPS, ShardCount: '2' }, PROPS), 'prod'],
      ['rename', () => updateEvent(idOf('prod'), { PipelineName: 'prod2' }, PROPS), 'prod2'],
    ])('%s commits once every component is ensured', async (_case, event, name) => {
      const s = setup({ guardDutyCommits: true });
      await s.run(event());
      expect(s.calls.at(-1)).toBe(`commit guardduty ${name}`);
      expect(s.calls.filter((c) => c.startsWith('commit'))).toHaveLength(1);
    });

    it('a failed Create does not commit', async () => {
      const s = setup({ guardDutyCommits: true });
      s.failures.set('ensure siem-user', new Error('denied'));
      await failureOf(s.run(createEvent(PROPS)));
      expect(s.calls.some((c) => c.startsWith('commit'))).toBe(false);
    });

    it('a failed rename re-ensures, with the OLD config, what the new pipeline may have taken over, after removing the new one', async () => {
      const s = setup({ guardDutyShared: true });
      s.failures.set('ensure siem-user', new Error('denied'));
      await failureOf(s.run(updateEvent(idOf('prod'), { PipelineName: 'prod2' }, PROPS)));
      expect(s.calls.filter((c) => c.endsWith(' prod'))).toEqual(['ensure guardduty prod']);
      expect(s.calls.at(-1)).toBe('ensure guardduty prod');
      expect(s.calls.indexOf('remove guardduty prod2')).toBeLessThan(s.calls.indexOf('ensure guardduty prod'));
    });
  });

  describe('Delete', () => {
    it('removes every component, enabled or not, in reverse order, by the name in the id', async () => {
      const s = setup();
      await expect(s.run(deleteEvent(idOf('prod'), { ...PROPS, EnableGuardDuty: 'false' }))).resolves.toEqual({ physicalResourceId: idOf('prod') });
      expect(s.calls.slice(0, 2).sort()).toEqual(['remove guardduty prod', 'remove siem-user prod']);
      expect(s.calls[2]).toBe('remove stream prod');
    });

    it.each([
      ['the rejected id', REJECTED],
      ['another account', `siem-pipeline/210987654321/${REGION}/prod`],
      ['another region', `siem-pipeline/${ACCOUNT}/us-east-1/prod`],
      ['a foreign id', 'some-other-resource-id'],
      ['an id with an impossible name', `siem-pipeline/${ACCOUNT}/${REGION}/Not_Valid`],
      ['a log stream name', '2026/01/02/[$LATEST]abcdef'],
    ])('does nothing for %s', async (_what, id) => {
      const s = setup();
      await expect(s.run(deleteEvent(id, PROPS))).resolves.toEqual({ physicalResourceId: id });
      expect(s.calls).toEqual([]);
      expect(s.contextFor).not.toHaveBeenCalled();
    });

    it.each([
      ['unparsable stored properties', { PipelineName: 'prod', ShardCount: 'lots' }],
      ['no stored properties', {}],
      ['properties of another pipeline name', { PipelineName: 'other' }],
    ])('with %s still removes by the name in the id', async (_what, props) => {
      const s = setup();
      await expect(s.run(deleteEvent(idOf('prod'), props))).resolves.toEqual({ physicalResourceId: idOf('prod') });
      expect(s.calls.sort()).toEqual(['remove guardduty prod', 'remove siem-user prod', 'remove stream prod']);
      expect(s.contextFor.mock.calls.map(([config]) => config.name)).toEqual(['prod']);
    });

    it('fails with its own id when a removal fails', async () => {
      const s = setup();
      s.failures.set('remove siem-user', new Error('DeleteConflict'));
      const err = await failureOf(s.run(deleteEvent(idOf('prod'), PROPS)));
      expect(err.physicalResourceId).toBe(idOf('prod'));
      expect(err.message).toBe('remove siem-user failed: Error: DeleteConflict');
      expect(s.calls).toContain('remove guardduty prod');
      expect(s.calls).not.toContain('remove stream prod');
    });
  });
});

describe('handleRequest: refused requests', () => {
  const refusedBy = new RequestRefusedError('not our stack');
  it.each([
    ['Create, other stack', 'stack', createEvent(PROPS), REJECTED],
    ['Create, stack at rest', 'status', createEvent(PROPS), REJECTED],
    [
      'Update, stack at rest',
      'status',
      updateEvent(
        idOf('prod'),
        { PipelineName: 'prod', SiemAccess: 'CrossAccountRole', SiemAccountId: '999999999999', SiemExternalId: 'attacker-ext-id' },
        PROPS,
      ),
      idOf('prod'),
    ],
    ['Delete, stack at rest', 'status', deleteEvent(idOf('prod'), PROPS), idOf('prod')],
  ] as const)('%s: FAILED with the id it reports, no component touched, no context built, reason logged', async (_what, check, event, id) => {
    const s = setup();
    s.refusal[check] = refusedBy;
    const err = await failureOf(s.run(event));
    expect(err.physicalResourceId).toBe(id);
    expect(err.cause).toBe(refusedBy);
    expect(s.calls).toEqual([]);
    expect(s.contextFor).not.toHaveBeenCalled();
    expect(s.lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'request refused', reason: 'RequestRefusedError: not our stack' }),
    );
  });

  it('a Delete of an id that is not a pipeline needs no status check (it changes nothing)', async () => {
    const s = setup();
    s.refusal.status = refusedBy;
    await expect(s.run(deleteEvent('some-other-id', PROPS))).resolves.toEqual({ physicalResourceId: 'some-other-id' });
  });
});

describe('createPhysicalId', () => {
  it.each([
    ['valid properties', createEvent(PROPS), idOf('prod')],
    ['invalid properties', createEvent({ PipelineName: 'Bad Name' }), REJECTED],
    ['a malformed StackId', createEvent(PROPS, { StackId: 'nope' }), REJECTED],
  ])('for %s is %s', (_what, event, expected) => {
    expect(createPhysicalId(event)).toBe(expected);
  });
});
