import type { PipelineConfig } from '../config/pipeline-config';
import { PipelineStepError } from '../support/errors';
import type { Change, ComponentId, ComponentStatus } from '../components/component';
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
        plans.push({ id: c.id, changes: c.plan ? await c.plan(config, ctx) : changesOfStatus(c.id, await c.inspect(config, ctx)) });
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

/**
 * The changes an inspect result stands for, for a component not yet on the contract: a conflict, a
 * create when absent, one update per difference when drifted.
 */
export function changesOfStatus(id: ComponentId, status: ComponentStatus): Change[] {
  const conflict = status.details?.conflict;
  if (typeof conflict === 'string') return [{ kind: 'conflict', resource: id, description: conflict }];
  if (status.state === 'absent') return [{ kind: 'create', resource: id, description: 'create' }];
  const differences = status.state === 'drifted' && Array.isArray(status.details?.differences) ? status.details.differences : [];
  return differences.map((d: unknown) => ({
    kind: 'update',
    resource: id,
    description: typeof d === 'string' ? d : JSON.stringify(d),
    fields: [],
    difference: d,
  }));
}
