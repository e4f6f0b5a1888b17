import type { PipelineConfig } from '../config/pipeline-config';
import { PropertyReader } from '../config/props';
import { ConfigError } from '../errors';
import { ParameterReader } from './parameter-reader';
import { parameterNames } from './parameters';
import type { ModuleParameters } from './types';

/** Properties CloudFormation adds that are not ours to validate. */
const IGNORED = ['ServiceToken', 'ServiceTimeout'];

/**
 * Parses properties with the parameters of `modules`, each module reading its own slice in order; every
 * problem is collected, then one ConfigError lists them all. An unknown property names the allowed ones.
 */
export function parseWithModules(modules: readonly ModuleParameters[], props: Readonly<Record<string, unknown>> | undefined): PipelineConfig {
  const r = new PropertyReader(props ?? {});
  const read = new ParameterReader(r);
  const slices = modules.map((m) => m.parse(read));
  const unknown = r.unknown(IGNORED);
  const allowed = parameterNames(modules, 'pipeline');
  r.require(unknown.length === 0, `unknown properties ${unknown.join(', ')}; allowed properties: ${allowed.join(', ')}`);
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  // Each module returns its typed slice; together the core and source modules cover every PipelineConfig field.
  return Object.assign({}, ...slices) as PipelineConfig;
}
