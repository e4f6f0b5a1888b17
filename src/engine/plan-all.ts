import type { PipelineConfig } from '../config/pipeline-config';
import { PipelineStepError } from '../support/errors';
import { settleAll } from '../support/settle';
import type { Change, ComponentId } from '../components/component';
import type { PipelineContext } from '../components/context';
import type { PipelineEngine } from './engine';

/** One component's plan. */
export interface ComponentPlan {
  id: ComponentId;
  changes: Change[];
}

/**
 * What ensure would change, component by component and in the engine's order, with no write call: every
 * component's own plan (read + diff), read side by side. A component the config does not enable is not
 * created, so its creates are dropped; what is left of it in the account reads as its diff says (a delete).
 * Beside the engine, not in it: the custom resource never plans, and its bundle stays small.
 */
export async function planAll(engine: PipelineEngine, config: PipelineConfig, ctx: PipelineContext): Promise<ComponentPlan[]> {
  return settleAll(
    engine.components.map(async (c): Promise<ComponentPlan> => {
      const enabled = c.enabled(config, ctx);
      try {
        const changes = await c.plan(config, ctx);
        return { id: c.id, changes: enabled ? changes : changes.filter((change) => change.kind !== 'create') };
      } catch (err) {
        // Plan is inspect's read and diff: its failures are named as inspect's.
        throw new PipelineStepError(c.id, 'inspect', err);
      }
    }),
  );
}
