import { parseArgs } from 'node:util';
import { stackIdentity, type StackIdentity } from '../cfn/identity';
import { ALLOWED_PROPERTIES, parseConfig, type PipelineConfig } from '../config/pipeline-config';

/** Bad command-line input: the message names the flag and what it allows. The command exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = [
  'usage: node dist/cli/index.js audit --stack-id <stack ARN> [--region <region>] [--props <file.json>] [--param Name=value ...] [--json]',
  '',
  '  --stack-id  ARN of the CloudFormation stack that deployed the pipeline (arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>)',
  "  --region    the stack's region (optional; must match the region in --stack-id)",
  '  --props     JSON file of the custom resource properties ({"PipelineName": "siem", ...}),',
  "              or the stack's parameters as `aws cloudformation describe-stacks --query 'Stacks[0].Parameters'` prints them",
  '  --param     one property as Name=value; repeatable; overrides --props',
  '  --json      print the report as JSON',
  '',
  'Exit code: 0 no findings, 1 findings (drifted, missing, unexpected or unreadable components), 2 bad input.',
].join('\n');

/** A parsed `audit` invocation. */
export interface AuditRequest {
  command: 'audit';
  identity: StackIdentity;
  config: PipelineConfig;
  json: boolean;
  /** Values that must never be printed (the SiemExternalId given), whether valid or not. */
  secrets: string[];
}

export type CliRequest = AuditRequest | { command: 'help' };

const COMMANDS = ['audit'] as const;
const FLAGS = ['--stack-id', '--region', '--props', '--param', '--json', '--help'] as const;
const STACK_ARN_RULE = 'the ARN of the CloudFormation stack (arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>)';
const SECRET_PROPERTIES = new Set(['SiemExternalId']);
const NO_ECHO_MASK = '****';

/**
 * Parses the command line; the properties go through parseConfig, so validation and defaults are the
 * custom resource's own. Throws UsageError (or ConfigError for bad properties); never echoes a secret value.
 */
export async function parseCliArgs(argv: readonly string[], readFile: (path: string) => Promise<string>): Promise<CliRequest> {
  const { values, positionals } = parseFlags(argv);
  if (values.help) return { command: 'help' };
  const [command, ...extra] = positionals;
  if (command === undefined) throw new UsageError(`a command is required; allowed commands: ${COMMANDS.join(', ')}`);
  // Not echoed: a value meant for a flag (`--param SiemExternalId <id>`) can land here.
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command; allowed commands: ${COMMANDS.join(', ')}`);
  if (extra.length > 0) throw new UsageError(`${command} takes no further arguments (${extra.length} given); allowed flags: ${FLAGS.join(', ')}`);

  const stackId = single(values, 'stack-id');
  if (stackId === undefined) throw new UsageError(`--stack-id is required; allowed values: ${STACK_ARN_RULE}`);
  let identity: StackIdentity;
  try {
    identity = stackIdentity({ StackId: stackId });
  } catch {
    throw new UsageError(`--stack-id '${stackId}' is not allowed; allowed values: ${STACK_ARN_RULE}`);
  }
  const region = single(values, 'region');
  if (region !== undefined && region !== identity.region) {
    throw new UsageError(`--region '${region}' is not allowed; allowed values: ${identity.region} (the region of --stack-id), or leave it out`);
  }

  const propsFile = single(values, 'props');
  const fromFile = propsFile === undefined ? {} : await readProps(propsFile, readFile);
  const fromParams = paramProps(values.param ?? []);
  const props = { ...fromFile, ...fromParams };
  const secrets = [fromFile, fromParams].flatMap((p) => Object.entries(p).filter(([k, v]) => SECRET_PROPERTIES.has(k) && v !== '').map(([, v]) => v));
  return { command: 'audit', identity, config: parseConfig(props), json: values.json === true, secrets };
}

type Flags = { 'stack-id'?: string[]; region?: string[]; props?: string[]; param?: string[]; json?: boolean; help?: boolean };

function parseFlags(argv: readonly string[]): { values: Flags; positionals: string[] } {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        'stack-id': { type: 'string', multiple: true },
        region: { type: 'string', multiple: true },
        props: { type: 'string', multiple: true },
        param: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }) as { values: Flags; positionals: string[] };
  } catch (err) {
    // node:util's messages name the flag, never its value ("Unknown option '--x'", "Option '--region <value>' argument missing").
    const { code, message } = err as NodeJS.ErrnoException;
    const text = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? `unknown flag ${/'[^']*'/.exec(message)?.[0] ?? ''}` : message.split(/\.?\n/)[0]!;
    throw new UsageError(`${text}; allowed flags: ${FLAGS.join(', ')}`);
  }
}

function single(values: Flags, flag: 'stack-id' | 'region' | 'props'): string | undefined {
  const given = values[flag];
  if (given && given.length > 1) throw new UsageError(`--${flag} is given ${given.length} times; give it once`);
  return given?.[0];
}

/** `--param Name=value` pairs as properties; the value is never echoed (it may be the ExternalId). */
function paramProps(params: readonly string[]): Record<string, string> {
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

/**
 * The properties in a --props file: an object of property names, or the Parameters list of describe-stacks
 * (template parameters that are not properties of the custom resource, such as VpcSweepSchedule, are dropped).
 */
async function readProps(file: string, readFile: (path: string) => Promise<string>): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file);
  } catch (err) {
    throw new UsageError(`--props '${file}' cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).name}); allowed values: a readable JSON file`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse quotes the text around the error, which may be the ExternalId: say only that it is not JSON.
    throw new UsageError(`--props '${file}' is not valid JSON; allowed values: a JSON object of property names, or a describe-stacks Parameters list`);
  }
  const shapeError = new UsageError(
    `--props '${file}' has an unexpected shape; allowed values: {"PipelineName": "...", ...} or [{"ParameterKey": "...", "ParameterValue": "..."}, ...]`,
  );
  if (Array.isArray(parsed)) {
    const known = new Set<string>(ALLOWED_PROPERTIES);
    const props: Record<string, string> = {};
    for (const p of parsed as unknown[]) {
      const { ParameterKey: key, ParameterValue: value } = (p ?? {}) as { ParameterKey?: unknown; ParameterValue?: unknown };
      if (typeof key !== 'string' || (value !== undefined && typeof value !== 'string')) throw shapeError;
      // describe-stacks shows NoEcho parameters (SiemExternalId) as '****': that is no value, give it with --param.
      if (known.has(key) && value !== undefined && value !== NO_ECHO_MASK) props[key] = value;
    }
    return props;
  }
  if (parsed === null || typeof parsed !== 'object') throw shapeError;
  const props: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) throw new UsageError(`--props '${file}': property ${key} must be a string; allowed values: strings, as CloudFormation passes them`);
    props[key] = String(value);
  }
  return props;
}
