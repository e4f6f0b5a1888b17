import { parseConfig } from '../../../src/sources/parse';
import { PipelineStepError } from '../../../src/support/errors';
import type { Component } from '../../../src/components/component';
import type { PipelineContext } from '../../../src/components/context';
import { PipelineEngine } from '../../../src/engine/engine';
import { flush, Fakes, config, context } from './engine-fakes';

describe('PipelineEngine', () => {
  describe('ensureAll', () => {
    it('runs a chain in dependency order, whatever the registry order, and merges outputs', async () => {
      const f = new Fakes();
      const engine = new PipelineEngine([
        f.component('rule', ['role'], { outputs: { RuleName: 'r' } }),
        f.component('role', ['stream'], { outputs: { RoleArn: 'arn:role' } }),
        f.component('stream', [], { outputs: { StreamName: 's' } }),
      ]);
      await expect(engine.ensureAll(engine.ids, config, context().ctx)).resolves.toEqual({ RuleName: 'r', RoleArn: 'arn:role', StreamName: 's' });
      expect(f.events).toEqual(['start ensure stream', 'end ensure stream', 'start ensure role', 'end ensure role', 'start ensure rule', 'end ensure rule']);
    });

    it('runs independent components concurrently and starts a dependent only when all its dependencies are done', async () => {
      const f = new Fakes();
      const engine = new PipelineEngine([f.component('a'), f.component('b'), f.component('c', ['a', 'b'])]);
      const a = f.hold('ensure a');
      const b = f.hold('ensure b');
      const run = engine.ensureAll(['a', 'b', 'c'], config, context().ctx);
      await flush();
      // both started while neither has finished: they overlap
      expect(f.events).toEqual(['start ensure a', 'start ensure b']);
      b.resolve();
      await flush();
      expect(f.events).toEqual(['start ensure a', 'start ensure b', 'end ensure b']);
      a.resolve();
      await run;
      expect(f.events).toEqual(['start ensure a', 'start ensure b', 'end ensure b', 'end ensure a', 'start ensure c', 'end ensure c']);
    });

    it('does not wait for a dependency that is not part of this run', async () => {
      const f = new Fakes();
      const engine = new PipelineEngine([f.component('a'), f.component('b', ['a'])]);
      await engine.ensureAll(['b'], config, context().ctx);
      expect(f.events).toEqual(['start ensure b', 'end ensure b']);
    });

    it('after a failure starts no new work, lets running work finish, and throws a PipelineStepError naming the component', async () => {
      const f = new Fakes();
      const boom = Object.assign(new Error('Stream busy'), { name: 'ResourceInUseException' });
      f.fail('ensure a', boom);
      const a = f.hold('ensure a');
      const b = f.hold('ensure b');
      const engine = new PipelineEngine([f.component('a'), f.component('b'), f.component('c', ['b']), f.component('d', ['a'])]);
      const { ctx, lines } = context();
      let settled = false;
      const run = engine.ensureAll(engine.ids, config, ctx).finally(() => (settled = true));
      await flush();
      expect(f.events).toEqual(['start ensure a', 'start ensure b']);
      a.resolve();
      await flush();
      expect(f.events).toEqual(['start ensure a', 'start ensure b', 'fail ensure a']);
      expect(settled).toBe(false); // b is still running: the engine waits for it
      b.resolve();
      const err = await run.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PipelineStepError);
      expect(err).toMatchObject({ component: 'a', operation: 'ensure', cause: boom, message: 'ensure a failed: ResourceInUseException: Stream busy' });
      // c (after b) and d (after the failed a) never started
      expect(f.events).toEqual(['start ensure a', 'start ensure b', 'fail ensure a', 'end ensure b']);
      const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(logged.filter((l) => l.level === 'error')).toEqual([
        expect.objectContaining({ message: 'ensure failed', component: 'a', error: { name: 'ResourceInUseException', message: 'Stream busy' } }),
      ]);
      expect(
        logged
          .filter((l) => l.message === 'ensure skipped')
          .map((l) => l.component)
          .sort(),
      ).toEqual(['c', 'd']);
    });

    it('rejects with await expect(...).rejects for the first failure only', async () => {
      const f = new Fakes();
      f.fail('ensure a', new Error('first'));
      f.fail('ensure b', new Error('second'));
      const b = f.hold('ensure b');
      const engine = new PipelineEngine([f.component('a'), f.component('b')]);
      const run = engine.ensureAll(engine.ids, config, context().ctx);
      await flush();
      b.resolve();
      await expect(run).rejects.toThrow(new PipelineStepError('a', 'ensure', new Error('first')));
      await expect(run).rejects.toThrow('ensure a failed: Error: first');
    });

    it('rejects an unknown component id before running anything', async () => {
      const f = new Fakes();
      const engine = new PipelineEngine([f.component('a')]);
      await expect(engine.ensureAll(['a', 'ghost'], config, context().ctx)).rejects.toThrow('unknown component ghost');
      expect(f.events).toEqual([]);
    });
  });

  describe('removeAll', () => {
    it('removes in reverse dependency order', async () => {
      const f = new Fakes();
      const engine = new PipelineEngine([f.component('stream'), f.component('role', ['stream']), f.component('rule', ['role'])]);
      await engine.removeAll(engine.ids, config, context().ctx);
      expect(f.events).toEqual(['start remove rule', 'end remove rule', 'start remove role', 'end remove role', 'start remove stream', 'end remove stream']);
    });

    it('after a failure still removes what does not wait on the failed one, keeps what does, and throws the first failure', async () => {
      const f = new Fakes();
      const denied = Object.assign(new Error('not allowed'), { name: 'AccessDenied' });
      f.fail('remove role', denied);
      const role = f.hold('remove role');
      const logs = f.hold('remove logs');
      // stream <- role ; stream2 <- logs : removal order role -> stream, logs -> stream2
      const engine = new PipelineEngine([f.component('stream'), f.component('role', ['stream']), f.component('stream2'), f.component('logs', ['stream2'])]);
      const run = engine.removeAll(engine.ids, config, context().ctx);
      await flush();
      expect(f.events).toEqual(['start remove role', 'start remove logs']);
      role.resolve();
      await flush();
      expect(f.events).toEqual(['start remove role', 'start remove logs', 'fail remove role']);
      logs.resolve();
      await expect(run).rejects.toThrow(new PipelineStepError('role', 'remove', denied));
      await expect(run).rejects.toMatchObject({ component: 'role', operation: 'remove', cause: denied });
      // the independent chain went on after the failure; the stream the role needs was kept
      expect(f.events).toEqual(['start remove role', 'start remove logs', 'fail remove role', 'end remove logs', 'start remove stream2', 'end remove stream2']);
    });

    it('removes components concurrently when nothing orders them', async () => {
      const f = new Fakes();
      const a = f.hold('remove a');
      f.hold('remove b').resolve();
      const engine = new PipelineEngine([f.component('a'), f.component('b')]);
      const run = engine.removeAll(engine.ids, config, context().ctx);
      await flush();
      expect(f.events).toEqual(['start remove a', 'start remove b', 'end remove b']);
      a.resolve();
      await run;
    });
  });

  describe('apply', () => {
    it('removes first, then ensures, and returns the ensured outputs', async () => {
      const f = new Fakes();
      const engine = new PipelineEngine([f.component('stream', [], { outputs: { StreamName: 's' } }), f.component('guardduty', ['stream'])]);
      await expect(engine.apply({ remove: ['guardduty'], ensure: ['stream'] }, config, context().ctx)).resolves.toEqual({ StreamName: 's' });
      expect(f.events).toEqual(['start remove guardduty', 'end remove guardduty', 'start ensure stream', 'end ensure stream']);
    });

    it('does not ensure anything when a removal fails', async () => {
      const f = new Fakes();
      f.fail('remove guardduty', new Error('stuck'));
      const engine = new PipelineEngine([f.component('stream'), f.component('guardduty', ['stream'])]);
      await expect(engine.apply({ remove: ['guardduty'], ensure: ['stream'] }, config, context().ctx)).rejects.toThrow('remove guardduty failed: Error: stuck');
      expect(f.events).toEqual(['start remove guardduty', 'fail remove guardduty']);
    });

    it('removes a replaced component with the previous config and context, after the removals and before it is ensured again', async () => {
      const seen: string[] = [];
      const before = parseConfig({ PipelineName: 'demo', ExistingTrailLogGroup: 'old-trail-group' });
      const after = parseConfig({ PipelineName: 'demo' });
      const previousCtx = context().ctx;
      const ctx = context().ctx;
      const group: Component = {
        id: 'trail-log-group',
        dependsOn: [],
        enabled: () => true,
        replacedWhen: (b, a) => b.cloudTrail.existingLogGroup !== a.cloudTrail.existingLogGroup,
        ensure: async (c, x) => {
          seen.push(`ensure ${c.cloudTrail.existingLogGroup ?? 'own'} ${x === ctx ? 'new ctx' : 'old ctx'}`);
          return {};
        },
        remove: async (c, x) => {
          seen.push(`remove ${c.cloudTrail.existingLogGroup ?? 'own'} ${x === previousCtx ? 'old ctx' : 'new ctx'}`);
        },
        inspect: async () => ({ state: 'present' }),
        plan: async () => [],
      };
      const f = new Fakes();
      const engine = new PipelineEngine([group, f.component('gone')]);
      expect([...engine.replacedIds(before, after)]).toEqual(['trail-log-group']);
      expect([...engine.replacedIds(after, after)]).toEqual([]);
      await engine.apply({ ensure: ['trail-log-group'], remove: ['gone'], replace: ['trail-log-group'] }, after, ctx, { config: before, ctx: previousCtx });
      expect(f.events).toEqual(['start remove gone', 'end remove gone']);
      expect(seen).toEqual(['remove old-trail-group old ctx', 'ensure own new ctx']);
    });

    it('returns no outputs for an empty plan', async () => {
      const engine = new PipelineEngine([new Fakes().component('a')]);
      await expect(engine.apply({ remove: [], ensure: [] }, config, context().ctx)).resolves.toEqual({});
    });
  });

  describe('validation', () => {
    it('rejects a dependency on an unknown component', () => {
      const f = new Fakes();
      expect(() => new PipelineEngine([f.component('a', ['missing'])])).toThrow('component a depends on unknown missing');
    });

    it('rejects two components with the same id', () => {
      const f = new Fakes();
      expect(() => new PipelineEngine([f.component('a'), f.component('b'), f.component('a')])).toThrow('duplicate component id a');
    });

    it.each([
      ['ensureAll', (e: PipelineEngine, ctx: PipelineContext) => e.ensureAll(e.ids, config, ctx)],
      ['removeAll', (e: PipelineEngine, ctx: PipelineContext) => e.removeAll(e.ids, config, ctx)],
    ])('%s rejects a dependency cycle before running anything', async (_op, run) => {
      const f = new Fakes();
      const engine = new PipelineEngine([f.component('x'), f.component('a', ['c']), f.component('b', ['a']), f.component('c', ['b'])]);
      await expect(run(engine, context().ctx)).rejects.toThrow(/^dependency cycle: (a -> c -> b -> a|a -> b -> c -> a)$/);
      expect(f.events).toEqual([]);
    });

    it('rejects a component that depends on itself', async () => {
      const f = new Fakes();
      const engine = new PipelineEngine([f.component('a', ['a'])]);
      await expect(engine.ensureAll(['a'], config, context().ctx)).rejects.toThrow('dependency cycle: a -> a');
    });
  });

  describe('enabledIds', () => {
    it('lists the components the config enables', () => {
      const f = new Fakes();
      const engine = new PipelineEngine([f.component('a'), f.component('b', [], { enabled: false }), f.component('c')]);
      expect(engine.ids).toEqual(['a', 'b', 'c']);
      expect(engine.enabledIds(config, context().ctx)).toEqual(new Set(['a', 'c']));
    });
  });
});
