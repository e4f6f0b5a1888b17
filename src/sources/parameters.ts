import { cloudTrailParameters } from './cloudtrail/parameters';
import { coreParameters } from './core/parameters';
import { operationsParameters } from './core/operations';
import { eventSourceParameters } from './event-sources/parameters';
import { flowLogParameters } from './flow-logs/parameters';
import { guardDutyParameters } from './guardduty/parameters';
import type { ModuleParameters, ParameterSpec, ParameterTarget } from './types';

/**
 * The parameters of every module, in console order. The config parser reads these (no component code is
 * loaded with them); registry.ts lists the same modules with their components, and a test holds the two
 * lists equal, so a new source is one line in each.
 */
export const PARAMETER_MODULES: readonly ModuleParameters[] = [
  coreParameters,
  cloudTrailParameters,
  flowLogParameters,
  guardDutyParameters,
  eventSourceParameters,
  operationsParameters,
];

/** Every parameter of `modules`, in order. */
export function parametersOf(modules: readonly ModuleParameters[]): ParameterSpec[] {
  return modules.flatMap((m) => m.parameters);
}

/** The names of the parameters passed to `target` (custom resource properties, the enroller's environment). */
export function parameterNames(modules: readonly ModuleParameters[], target: ParameterTarget): string[] {
  return parametersOf(modules)
    .filter((p) => p.targets.includes(target))
    .map((p) => p.name);
}

/** The template default of every parameter passed to the custom resource, as CloudFormation would pass it. */
export function templateDefaults(modules: readonly ModuleParameters[] = PARAMETER_MODULES): Record<string, string> {
  return Object.fromEntries(
    parametersOf(modules)
      .filter((p) => p.targets.includes('pipeline'))
      .map((p) => [p.name, p.default]),
  );
}
