import type { ComponentId } from '../components/component';

/** What one request does to the pipeline: which components to converge and which to remove. */
export interface PipelinePlan {
  ensure: ComponentId[];
  remove: ComponentId[];
  /**
   * Enabled before, pointed at another resource now: the old instance goes with the OLD config (the new
   * config no longer names it), and is ensured again only when still enabled.
   */
  replace?: ComponentId[];
}

export type PlanRequest =
  | { type: 'Create'; enabled: ReadonlySet<ComponentId> }
  | {
      type: 'Update';
      oldEnabled: ReadonlySet<ComponentId>;
      enabled: ReadonlySet<ComponentId>;
      /** Components whose old instance cannot be converged into the new one (see Component.replacedWhen). */
      replaced?: ReadonlySet<ComponentId>;
    }
  | { type: 'Delete' };

/**
 * Pure planning: from the components that are enabled before and after, what to ensure and what to remove.
 * Delete removes every component, enabled or not: each remove is safe when nothing exists, and this way a
 * Delete cleans up even what a half-finished Create or an older config left behind.
 */
export function planPipeline(all: readonly ComponentId[], request: PlanRequest): PipelinePlan {
  switch (request.type) {
    case 'Create':
      return { ensure: all.filter((id) => request.enabled.has(id)), remove: [] };
    case 'Update':
      return {
        ensure: all.filter((id) => request.enabled.has(id)),
        remove: all.filter((id) => request.oldEnabled.has(id) && !request.enabled.has(id) && !request.replaced?.has(id)),
        // Also when switched off: removed with the new config, a reused log group the new config no longer names would keep our filter.
        replace: all.filter((id) => request.replaced?.has(id) && request.oldEnabled.has(id)),
      };
    case 'Delete':
      return { ensure: [], remove: [...all] };
  }
}
