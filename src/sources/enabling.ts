import type { PipelineConfig } from '../config/pipeline-config';
import type { ComponentId } from '../components/component';
import type { ModuleParameters } from './types';

/**
 * True when some module needs the shared component `id` for this config in this region: the one rule that
 * switches delivery roles on and off (no hand-kept list of which sources use which role).
 */
export function sharedComponentNeeded(modules: readonly ModuleParameters[], id: ComponentId, config: PipelineConfig, region: string): boolean {
  return modules.some((m) => m.needs(config, region).includes(id));
}
