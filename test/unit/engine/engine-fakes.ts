// Shared by engine.test.ts: fake components that log their steps and can be held or failed, and a minimal context.
import { parseConfig } from '../../../src/sources/parse';
import { createLogger } from '../../../src/support/log';
import type { Component, ComponentOutputs, ComponentStatus } from '../../../src/components/component';
import type { PipelineContext } from '../../../src/components/context';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}
export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run. */
export const flush = () => new Promise((r) => setImmediate(r));

/**
 * Small fake components sharing one event log ("start ensure a", "end ensure a"). A step either finishes
 * at once or, when held, waits for the test to release (or fail) it.
 */
export class Fakes {
  readonly events: string[] = [];
  private readonly held = new Map<string, Deferred<void>>();
  private readonly failures = new Map<string, Error>();

  component(id: string, dependsOn: string[] = [], opts: { enabled?: boolean; outputs?: ComponentOutputs; status?: ComponentStatus } = {}): Component {
    const step = async (op: string) => {
      const key = `${op} ${id}`;
      this.events.push(`start ${key}`);
      const gate = this.held.get(key);
      if (gate) await gate.promise;
      const failure = this.failures.get(key);
      if (failure) {
        this.events.push(`fail ${key}`);
        throw failure;
      }
      this.events.push(`end ${key}`);
    };
    return {
      id,
      dependsOn,
      enabled: () => opts.enabled ?? true,
      ensure: async () => {
        await step('ensure');
        return opts.outputs ?? {};
      },
      remove: () => step('remove'),
      inspect: async () => {
        await step('inspect');
        return opts.status ?? { state: 'present' };
      },
      plan: async () => {
        await step('plan');
        return [];
      },
    };
  }

  /** The step `op id` waits until the returned deferred is resolved or rejected. */
  hold(key: string): Deferred<void> {
    const d = deferred<void>();
    this.held.set(key, d);
    return d;
  }

  fail(key: string, err: Error): void {
    this.failures.set(key, err);
  }
}

export const config = parseConfig({ PipelineName: 'prod' });

export function context(): { ctx: PipelineContext; lines: string[] } {
  const lines: string[] = [];
  let t = 0;
  // The engine reads only log and clock from the context; the rest stays unset on purpose.
  const ctx = {
    log: createLogger({ sink: (l) => lines.push(l), level: 'debug' }),
    clock: { now: () => t, sleep: async (ms: number) => void (t += ms) },
  } as unknown as PipelineContext;
  return { ctx, lines };
}
