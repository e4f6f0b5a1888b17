import type { PipelineConfig } from '../config/pipeline-config';
import { PipelineStepError } from '../support/errors';
import type { Change, ComponentId } from '../components/component';
import type { PipelineContext } from '../components/context';
import type { PipelineEngine } from './engine';

/** One component's plan. */
export interface ComponentPlan {
  id: ComponentId;
  changes: Change[];
}

/**
 * What ensure would change, component by component, with no write call: each enabled component's plan
 * (read + diff), and, given the config before, a delete for each component only that config enabled.
 * Beside the engine, not in it: the custom resource never plans, and its bundle stays small.
 */
export async function planAll(
  engine: PipelineEngine,
  config: PipelineConfig,
  ctx: PipelineContext,
  previous?: { config: PipelineConfig; ctx: PipelineContext },
): Promise<ComponentPlan[]> {
  const enabled = engine.enabledIds(config, ctx);
  const before = previous ? engine.enabledIds(previous.config, previous.ctx) : new Set<ComponentId>();
  const plans: ComponentPlan[] = [];
  for (const c of engine.components) {
    try {
      if (enabled.has(c.id)) {
        plans.push({ id: c.id, changes: await c.plan(config, ctx) });
      } else if (before.has(c.id)) {
        plans.push({ id: c.id, changes: [{ kind: 'delete', resource: c.id, description: 'remove: the new config does not enable it' }] });
      }
    } catch (err) {
      // Plan is inspect's read and diff: its failures are named as inspect's.
      throw new PipelineStepError(c.id, 'inspect', err);
    }
  }
  return plans;
}
