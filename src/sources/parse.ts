import type { PipelineConfig } from '../config/pipeline-config';
import { PropertyReader } from '../config/props';
import { ConfigError } from '../support/errors';
import { ParameterReader } from './parameter-reader';
import { PARAMETER_MODULES, parameterNames } from './parameters';
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

/**
 * Parses the custom resource properties once, at the edge, with the parameters of every module in the
 * registry (src/sources). Throws ConfigError listing every bad property with its allowed values; nothing
 * downstream re-validates.
 */
export function parseConfig(props: Readonly<Record<string, unknown>> | undefined): PipelineConfig {
  return parseWithModules(PARAMETER_MODULES, props);
}

/** Every property parseConfig reads (the custom resource's properties), for error messages and the template test. */
export const ALLOWED_PROPERTIES: readonly string[] = parameterNames(PARAMETER_MODULES, 'pipeline');

/** The properties the VPC enroller reads from its environment (the template sets exactly these). */
export const ENROLLER_PROPERTIES: readonly string[] = parameterNames(PARAMETER_MODULES, 'enroller');
