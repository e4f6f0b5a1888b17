import { ConfigError, PipelineStepError } from '../../../../src/support/errors';
import { ACCOUNT, createEvent, deleteEvent, REGION, STACK_ID, updateEvent } from './events';
import { idOf, REJECTED, setup, failureOf, PROPS } from './lifecycle-setup';

describe('handleRequest', () => {
  describe('Create', () => {
    it('ensures the enabled components and returns the deterministic id with the outputs', async () => {
      const s = setup();
      await expect(s.run(createEvent(PROPS))).resolves.toEqual({
        physicalResourceId: idOf('prod'),
        data: {
          PipelineName: 'prod',
          Region: REGION,
          SecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x',
          ReaderRoleArn: '',
          StreamName: 'siem-prod',
        },
      });
      expect(s.calls).toEqual(['ensure stream prod', 'ensure siem-user prod', 'ensure guardduty prod']);
      expect(s.contextFor.mock.calls.map(([config, identity]) => [config.name, identity])).toEqual([
        ['prod', { partition: 'aws', region: REGION, account: ACCOUNT, stackId: STACK_ID }],
      ]);
    });

    it('gives the same id to a duplicate delivery', async () => {
      const s = setup();
      const first = await s.run(createEvent(PROPS));
      const second = await s.run(createEvent(PROPS, { RequestId: 'req-2' }));
      expect(second).toEqual(first);
    });

    it('skips disabled components', async () => {
      const s = setup();
      await s.run(createEvent({ ...PROPS, EnableGuardDuty: 'false' }));
      expect(s.calls).toEqual(['ensure stream prod', 'ensure siem-user prod']);
    });

    it('rejects invalid properties with the rejected id before calling anything', async () => {
      const s = setup();
      const err = await failureOf(s.run(createEvent({ ...PROPS, ShardCount: '0', Bogus: 'x' })));
      expect(err.physicalResourceId).toBe(REJECTED);
      expect(err.cause).toBeInstanceOf(ConfigError);
      expect(err.message).toMatch(/^Invalid properties: ShardCount '0' is not allowed; allowed values: a whole number from 1 to 500; unknown properties Bogus/);
      expect(s.calls).toEqual([]);
      expect(s.contextFor).not.toHaveBeenCalled();
    });

    it('reports the rejected id when the context cannot be built, so the Delete that follows has nothing to do', async () => {
      const s = setup();
      s.contextFor.mockImplementation(() => {
        throw new Error('PERMISSIONS_BOUNDARY_ARN is not set');
      });
      const err = await failureOf(s.run(createEvent(PROPS)));
      expect(err.physicalResourceId).toBe(REJECTED);
      expect(err.message).toBe('Error: PERMISSIONS_BOUNDARY_ARN is not set');
      s.contextFor.mockClear();
      await expect(s.run(deleteEvent(REJECTED, PROPS))).resolves.toEqual({ physicalResourceId: REJECTED });
      expect(s.contextFor).not.toHaveBeenCalled();
      expect(s.calls).toEqual([]);
    });

    it('fails with the deterministic id when a component fails, so the following Delete cleans up', async () => {
      const s = setup();
      s.failures.set('ensure siem-user', Object.assign(new Error('quota'), { name: 'LimitExceeded' }));
      const err = await failureOf(s.run(createEvent(PROPS)));
      expect(err.physicalResourceId).toBe(idOf('prod'));
      expect(err.cause).toBeInstanceOf(PipelineStepError);
      expect(err.message).toBe('ensure siem-user failed: LimitExceeded: quota');
      expect(s.calls).toEqual(['ensure stream prod', 'ensure siem-user prod', 'ensure guardduty prod']);
    });
  });

  describe('Update with the same PipelineName', () => {
    it('converges in place, removes what was turned off, and keeps the id', async () => {
      const s = setup();
      const result = await s.run(updateEvent(idOf('prod'), { ...PROPS, EnableGuardDuty: 'false', ShardCount: '3' }, PROPS));
      expect(result.physicalResourceId).toBe(idOf('prod'));
      expect(result.data).toMatchObject({ PipelineName: 'prod', StreamName: 'siem-prod' });
      expect(s.calls).toEqual(['remove guardduty prod', 'ensure stream prod', 'ensure siem-user prod']);
    });

    it('ensures a component that was turned on and removes nothing', async () => {
      const s = setup();
      await s.run(updateEvent(idOf('prod'), PROPS, { ...PROPS, EnableGuardDuty: 'false' }));
      expect(s.calls).toEqual(['ensure stream prod', 'ensure siem-user prod', 'ensure guardduty prod']);
    });

    it('treats every component as previously enabled when the old properties no longer parse', async () => {
      const s = setup();
      await s.run(updateEvent(idOf('prod'), { ...PROPS, EnableGuardDuty: 'false' }, { ...PROPS, RemovedSetting: 'x' }));
      expect(s.calls).toEqual(['remove guardduty prod', 'ensure stream prod', 'ensure siem-user prod']);
      expect(s.lines.some((l) => l.includes('old properties do not parse'))).toBe(true);
    });

    it('rejects invalid new properties with the old id and calls nothing', async () => {
      const s = setup();
      const err = await failureOf(s.run(updateEvent(idOf('prod'), { ...PROPS, StreamMode: 'FAST' }, PROPS)));
      expect(err.physicalResourceId).toBe(idOf('prod'));
      expect(err.message).toBe("Invalid properties: StreamMode 'FAST' is not allowed; allowed values: PROVISIONED, ON_DEMAND");
      expect(s.calls).toEqual([]);
    });

    it('fails with the old id when a component fails', async () => {
      const s = setup();
      s.failures.set('ensure stream', new Error('throttled'));
      const err = await failureOf(s.run(updateEvent(idOf('prod'), PROPS, PROPS)));
      expect(err.physicalResourceId).toBe(idOf('prod'));
      expect(err.message).toBe('ensure stream failed: Error: throttled');
    });
  });

  describe('Update with a new PipelineName (replacement)', () => {
    it('ensures the new pipeline and returns its new id; the old one is left for CloudFormation’s Delete', async () => {
      const s = setup();
      const result = await s.run(updateEvent(idOf('prod'), { PipelineName: 'prod2' }, PROPS));
      expect(result).toEqual({
        physicalResourceId: idOf('prod2'),
        data: expect.objectContaining({ PipelineName: 'prod2', StreamName: 'siem-prod2' }),
      });
      expect(s.calls).toEqual(['ensure stream prod2', 'ensure siem-user prod2', 'ensure guardduty prod2']);
    });

    it('cleans up a failing replacement and fails with the OLD id', async () => {
      const s = setup();
      s.failures.set('ensure siem-user', new Error('denied'));
      const err = await failureOf(s.run(updateEvent(idOf('prod'), { PipelineName: 'prod2' }, PROPS)));
      expect(err.physicalResourceId).toBe(idOf('prod'));
      expect(err.message).toBe('ensure siem-user failed: Error: denied');
      const cleanup = s.calls.slice(3);
      expect(s.calls.slice(0, 3)).toEqual(['ensure stream prod2', 'ensure siem-user prod2', 'ensure guardduty prod2']);
      expect(cleanup.sort()).toEqual(['remove guardduty prod2', 'remove siem-user prod2', 'remove stream prod2']);
      expect(cleanup.at(-1)).toBe('remove stream prod2');
      expect(s.calls.some((c) => c.endsWith(' prod'))).toBe(false);
    });

    it('still fails with the original error and the old id when the cleanup fails too', async () => {
      const s = setup();
      s.failures.set('ensure stream', new Error('first'));
      s.failures.set('remove stream', new Error('cleanup'));
      const err = await failureOf(s.run(updateEvent(idOf('prod'), { PipelineName: 'prod2' }, PROPS)));
      expect(err.physicalResourceId).toBe(idOf('prod'));
      expect(err.message).toBe('ensure stream failed: Error: first');
      expect(s.lines.some((l) => l.includes('cleanup of the failed replacement failed') && l.includes('remove stream failed'))).toBe(true);
    });
  });
});
