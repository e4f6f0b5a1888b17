import type { PipelineConfig } from '../config/pipeline-config';
import { PipelineStepError } from '../support/errors';
import type { Component, ComponentId, ComponentOutputs } from '../components/component';
import type { PipelineContext } from '../components/context';
import type { PipelinePlan } from './plan';

/**
 * Runs components in dependency order; each starts as soon as its own dependencies are done,
 * so independent components run concurrently.
 */
export class PipelineEngine {
  private readonly byId: Map<ComponentId, Component>;

  constructor(readonly components: readonly Component[]) {
    this.byId = new Map(components.map((c) => [c.id, c]));
    // A repeated id would silently shadow the first component, which then never runs.
    for (const [i, c] of components.entries()) {
      if (components.findIndex((o) => o.id === c.id) !== i) throw new Error(`duplicate component id ${c.id}`);
    }
    for (const c of components) {
      for (const d of c.dependsOn) if (!this.byId.has(d)) throw new Error(`component ${c.id} depends on unknown ${d}`);
    }
  }

  get ids(): ComponentId[] {
    return this.components.map((c) => c.id);
  }

  enabledIds(config: PipelineConfig, ctx: PipelineContext): Set<ComponentId> {
    return new Set(this.components.filter((c) => c.enabled(config, ctx)).map((c) => c.id));
  }

  /**
   * Removes, then ensures, as the plan says; components to replace are removed in between with `previous`
   * (the config and context they were made with). Returns the merged outputs of the ensured components.
   */
  async apply(
    plan: PipelinePlan,
    config: PipelineConfig,
    ctx: PipelineContext,
    previous?: { config: PipelineConfig; ctx: PipelineContext },
  ): Promise<ComponentOutputs> {
    if (plan.remove.length > 0) await this.removeAll(plan.remove, config, ctx);
    if (plan.replace?.length) await this.removeAll(plan.replace, previous?.config ?? config, previous?.ctx ?? ctx);
    return plan.ensure.length > 0 ? this.ensureAll(plan.ensure, config, ctx) : {};
  }

  /** Runs `commit` of the enabled components that have one, once the request has succeeded. */
  async commitAll(config: PipelineConfig, ctx: PipelineContext): Promise<void> {
    const enabled = this.enabledIds(config, ctx);
    for (const c of this.components) {
      if (!c.commit || !enabled.has(c.id)) continue;
      try {
        await c.commit(config, ctx);
      } catch (err) {
        throw new PipelineStepError(c.id, 'commit', err);
      }
    }
  }

  /** Ids of the enabled components that a rename's new pipeline may take over from the old one. */
  sharedAcrossRenameIds(config: PipelineConfig, ctx: PipelineContext): ComponentId[] {
    const enabled = this.enabledIds(config, ctx);
    return this.components.filter((c) => c.sharedAcrossRename && enabled.has(c.id)).map((c) => c.id);
  }

  /** Ids of the components that an Update from `before` to `after` must replace rather than converge. */
  replacedIds(before: PipelineConfig, after: PipelineConfig): Set<ComponentId> {
    return new Set(this.components.filter((c) => c.replacedWhen?.(before, after)).map((c) => c.id));
  }

  /** Ensures `ids` in dependency order; stops starting new work at the first failure and throws it. */
  async ensureAll(ids: readonly ComponentId[], config: PipelineConfig, ctx: PipelineContext): Promise<ComponentOutputs> {
    const outputs: ComponentOutputs = {};
    await this.runGraph(
      ids,
      (c) => c.dependsOn,
      'ensure',
      true,
      async (c) => {
        Object.assign(outputs, await c.ensure(config, ctx));
      },
      ctx,
    );
    return outputs;
  }

  /**
   * Removes `ids` in reverse dependency order. A failure does not stop the removal of components that do
   * not wait on the failed one, so one stuck resource leaves as little behind as possible; the first
   * failure is thrown at the end.
   */
  async removeAll(ids: readonly ComponentId[], config: PipelineConfig, ctx: PipelineContext): Promise<void> {
    const dependents = (c: Component) => this.components.filter((d) => d.dependsOn.includes(c.id)).map((d) => d.id);
    await this.runGraph(ids, dependents, 'remove', false, (c) => c.remove(config, ctx), ctx);
  }

  private async runGraph(
    ids: readonly ComponentId[],
    waitsFor: (c: Component) => readonly ComponentId[],
    operation: 'ensure' | 'remove',
    stopOnFailure: boolean,
    step: (c: Component) => Promise<void>,
    ctx: PipelineContext,
  ): Promise<void> {
    const selected = new Set(ids);
    for (const id of ids) if (!this.byId.has(id)) throw new Error(`unknown component ${id}`);
    const done = new Map<ComponentId, Promise<boolean>>();
    let firstError: PipelineStepError | undefined;

    const run = (id: ComponentId): Promise<boolean> => {
      const existing = done.get(id);
      if (existing) return existing;
      const c = this.byId.get(id)!;
      const before = waitsFor(c).filter((d) => selected.has(d));
      const promise = Promise.all(before.map(run)).then(async (results) => {
        if (ctx.signal?.aborted) {
          firstError ??= new PipelineStepError(id, operation, ctx.signal.reason);
          return false;
        }
        if (results.some((ok) => !ok) || (stopOnFailure && firstError)) {
          ctx.log.warn(`${operation} skipped`, { component: id });
          return false;
        }
        const started = ctx.clock.now();
        try {
          await step(c);
          ctx.log.info(`${operation} done`, { component: id, ms: ctx.clock.now() - started });
          return true;
        } catch (err) {
          const wrapped = new PipelineStepError(id, operation, err);
          ctx.log.error(`${operation} failed`, { component: id, error: err });
          firstError ??= wrapped;
          return false;
        }
      });
      done.set(id, promise);
      return promise;
    };

    // A dependency cycle would deadlock the promises above: refuse it up front.
    detectCycle(ids, (id) => waitsFor(this.byId.get(id)!).filter((d) => selected.has(d)));
    await Promise.all(ids.map(run));
    if (firstError) throw firstError;
  }
}

function detectCycle(ids: readonly ComponentId[], edges: (id: ComponentId) => readonly ComponentId[]): void {
  const state = new Map<ComponentId, 'visiting' | 'done'>();
  const visit = (id: ComponentId, path: ComponentId[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new Error(`dependency cycle: ${[...path, id].join(' -> ')}`);
    state.set(id, 'visiting');
    for (const next of edges(id)) visit(next, [...path, id]);
    state.set(id, 'done');
  };
  for (const id of ids) visit(id, []);
}
