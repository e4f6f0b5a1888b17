import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { RequestRefusedError } from '../../../src/handlers/cfn/request-guard';
import { RequestFailedError, type RequestResult } from '../../../src/handlers/cfn/safe-handler';
import type { StackIdentity } from '../../../src/engine/stack-identity';
import type { PipelineConfig } from '../../../src/config/pipeline-config';
import { ConfigError, PipelineStepError } from '../../../src/support/errors';
import { createLogger, type Logger } from '../../../src/support/log';
import type { Component } from '../../../src/components/component';
import type { PipelineContext } from '../../../src/components/context';
import { PipelineEngine } from '../../../src/engine/engine';
import { createPhysicalId, handleRequest, type LifecycleDeps } from '../../../src/handlers/cfn/lifecycle';
import { ACCOUNT, createEvent, deleteEvent, REGION, STACK_ID, updateEvent } from '../cfn/events';

const idOf = (name: string) => `siem-pipeline/${ACCOUNT}/${REGION}/${name}`;
const REJECTED = 'siem-pipeline/rejected/Pipeline';

/** Fake components recording "op id name" and failing where told; plain objects implementing Component. */
function setup(opts: { guardDutyShared?: boolean; guardDutyCommits?: boolean } = {}) {
  const calls: string[] = [];
  const failures = new Map<string, Error>();
  const step = async (op: string, id: string, config: PipelineConfig) => {
    calls.push(`${op} ${id} ${config.name}`);
    const failure = failures.get(`${op} ${id}`);
    if (failure) throw failure;
  };
  const make = (
    id: string,
    dependsOn: string[],
    enabled: (c: PipelineConfig) => boolean,
    outputs: (c: PipelineConfig) => Record<string, string>,
  ): Component => {
    return {
      id,
      dependsOn,
      enabled: (c) => enabled(c),
      ensure: async (c) => {
        await step('ensure', id, c);
        return outputs(c);
      },
      remove: (c) => step('remove', id, c),
      inspect: async () => ({ state: 'absent' }),
    };
  };
  const engine = new PipelineEngine([
    make(
      'stream',
      [],
      () => true,
      (c) => ({ StreamName: `siem-${c.name}` }),
    ),
    make(
      'siem-user',
      ['stream'],
      (c) => c.siemAccess.kind === 'IamUser',
      () => ({ SecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x' }),
    ),
    {
      ...make(
        'guardduty',
        ['stream'],
        (c) => c.guardDuty.enabled,
        () => ({}),
      ),
      ...(opts.guardDutyShared ? { sharedAcrossRename: true } : {}),
      ...(opts.guardDutyCommits ? { commit: (c: PipelineConfig) => step('commit', 'guardduty', c) } : {}),
    },
  ]);
  const lines: string[] = [];
  const log = createLogger({ sink: (l) => lines.push(l), level: 'debug' });
  const contextFor = jest.fn((config: PipelineConfig, identity: StackIdentity, l: Logger) => {
    // The fake components read only the config; the context just has to be the one built for it.
    return {
      account: identity.account,
      region: identity.region,
      stackId: identity.stackId,
      log: l,
      clock: { now: () => 0, sleep: async () => undefined },
      pipeline: config.name,
    } as unknown as PipelineContext;
  });
  const refusal: { stack?: Error; status?: Error } = {};
  const guard: LifecycleDeps['guard'] = {
    checkStack: () => {
      if (refusal.stack) throw refusal.stack;
    },
    checkStatus: async () => {
      if (refusal.status) throw refusal.status;
    },
  };
  const preflight = jest.fn(async (_config: PipelineConfig, _ctx: PipelineContext) => undefined);
  // No CloudTrail lookup: these components do not model the trail (test/lifecycle/multi-region-trail.test.ts does).
  const deps: LifecycleDeps = { engine, contextFor, guard, trailHome: async () => undefined, preflight };
  const run = (event: CloudFormationCustomResourceEvent): Promise<RequestResult> => handleRequest(event, deps, log);
  return { calls, failures, deps, contextFor, preflight, run, lines, refusal };
}

/** The RequestFailedError a request rejects with (the test fails if it resolves or throws something else). */
async function failureOf(p: Promise<unknown>): Promise<RequestFailedError> {
  await expect(p).rejects.toBeInstanceOf(RequestFailedError);
  return p.then(
    () => {
      throw new Error('resolved');
    },
    (err: unknown) => err as RequestFailedError,
  );
}

const PROPS = { PipelineName: 'prod' };

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
