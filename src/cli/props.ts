import { ALLOWED_PROPERTIES } from '../sources/parse';
import { UsageError } from './usage';

/** How describe-stacks prints a NoEcho parameter (SiemExternalId): that is no value. */
export const NO_ECHO_MASK = '****';

/** Properties whose values are never printed. */
export const SECRET_PROPERTIES = new Set(['SiemExternalId']);

/** `--param Name=value` pairs as properties; the value is never echoed (it may be the ExternalId). */
export function paramProps(params: readonly string[]): Record<string, string> {
  const props: Record<string, string> = {};
  for (const [i, param] of params.entries()) {
    const eq = param.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param #${i + 1} is not Name=value; allowed names: ${ALLOWED_PROPERTIES.join(', ')}`);
    const name = param.slice(0, eq);
    if (Object.hasOwn(props, name)) throw new UsageError(`--param ${name} is given twice; give each property once`);
    props[name] = param.slice(eq + 1);
  }
  return props;
}

/** A describe-stacks Parameters list as properties: template-only parameters and masked NoEcho values dropped. */
export function parameterListProps(list: readonly { ParameterKey?: unknown; ParameterValue?: unknown }[], shapeError: () => Error): Record<string, string> {
  const known = new Set<string>(ALLOWED_PROPERTIES);
  const props: Record<string, string> = {};
  for (const p of list) {
    const { ParameterKey: key, ParameterValue: value } = p ?? {};
    if (typeof key !== 'string' || (value !== undefined && typeof value !== 'string')) throw shapeError();
    if (known.has(key) && value !== undefined && value !== NO_ECHO_MASK) props[key] = value;
  }
  return props;
}

/**
 * The properties in a --props file: an object of property names, or the Parameters list of describe-stacks
 * (template parameters that are not properties of the custom resource, such as VpcSweepSchedule, are dropped).
 */
export async function readProps(file: string, readFile: (path: string) => Promise<string>): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file);
  } catch (err) {
    throw new UsageError(
      `--props '${file}' cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).name}); allowed values: a readable JSON file`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse quotes the text around the error, which may be the ExternalId: say only that it is not JSON.
    throw new UsageError(`--props '${file}' is not valid JSON; allowed values: a JSON object of property names, or a describe-stacks Parameters list`);
  }
  const shapeError = () =>
    new UsageError(
      `--props '${file}' has an unexpected shape; allowed values: {"PipelineName": "...", ...} or [{"ParameterKey": "...", "ParameterValue": "..."}, ...]`,
    );
  if (Array.isArray(parsed)) return parameterListProps(parsed as { ParameterKey?: unknown }[], shapeError);
  if (parsed === null || typeof parsed !== 'object') throw shapeError();
  const props: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!['string', 'number', 'boolean'].includes(typeof value))
      throw new UsageError(`--props '${file}': property ${key} must be a string; allowed values: strings, as CloudFormation passes them`);
    props[key] = String(value);
  }
  return props;
}

/** The non-empty secret values among properties. */
export function secretValues(...sources: Record<string, string>[]): string[] {
  return sources.flatMap((p) =>
    Object.entries(p)
      .filter(([k, v]) => SECRET_PROPERTIES.has(k) && v !== '')
      .map(([, v]) => v),
  );
}
