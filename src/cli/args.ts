import { parseArgs } from 'node:util';
import { stackIdentity, type StackIdentity } from '../engine/stack-identity';
import { paramProps, readProps, secretValues } from './props';
import { COMMANDS, UsageError, type Command } from './usage';

export { USAGE, UsageError } from './usage';

/** Where the pipeline's properties come from: a stack read from CloudFormation, or given on the command line. */
export type Target = { kind: 'stack'; stack: string } | { kind: 'offline'; identity: StackIdentity } | { kind: 'none' };

/** One parsed invocation; properties are parsed later (a --stack's come from CloudFormation). */
export interface CliRequest {
  command: Command;
  target: Target;
  /** Properties given by --props and --param (--param wins). */
  props: Record<string, string>;
  json: boolean;
  region?: string;
  profile?: string;
  /** audit: 'all' or a list; undefined = the stack's region. */
  regions?: 'all' | string[];
  yes: boolean;
  dryRun: boolean;
  minutes: number;
  sample: number;
  templateUrl?: string;
  bucket?: string;
  template?: string;
  /** Values that must never be printed (the SiemExternalId given), whether valid or not. */
  secrets: string[];
}

export type ParsedArgs = CliRequest | { command: 'help' };

const OPTIONS = {
  stack: { type: 'string', multiple: true },
  'stack-id': { type: 'string', multiple: true },
  region: { type: 'string', multiple: true },
  regions: { type: 'string', multiple: true },
  profile: { type: 'string', multiple: true },
  props: { type: 'string', multiple: true },
  param: { type: 'string', multiple: true },
  minutes: { type: 'string', multiple: true },
  sample: { type: 'string', multiple: true },
  'template-url': { type: 'string', multiple: true },
  template: { type: 'string', multiple: true },
  bucket: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  yes: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
type Flag = keyof typeof OPTIONS;
type Values = { [K in Flag]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string[] : boolean };

const COMMON: Flag[] = ['stack', 'stack-id', 'region', 'profile', 'props', 'param', 'json', 'help'];
/** The flags each command takes besides the common ones. */
const COMMAND_FLAGS: Record<Command, Flag[]> = {
  plan: [],
  audit: ['regions'],
  repair: ['dry-run'],
  verify: ['minutes', 'sample'],
  deploy: ['template-url', 'bucket', 'template', 'yes'],
  destroy: ['yes'],
  smoke: ['template-url', 'bucket', 'template', 'yes'],
};
const flagList = (flags: readonly Flag[]) => flags.map((f) => `--${f}`).join(', ');
const STACK_ARN_RULE = 'the ARN of the CloudFormation stack (arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>)';
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/** Parses the command line; throws UsageError naming the flag; never echoes a property value. */
export async function parseCliArgs(argv: readonly string[], readFile: (path: string) => Promise<string>): Promise<ParsedArgs> {
  const { values, positionals } = parseFlags(argv);
  if (values.help) return { command: 'help' };
  const [command, ...extra] = positionals;
  if (command === undefined) throw new UsageError(`a command is required; allowed commands: ${COMMANDS.join(', ')}`);
  // Not echoed: a value meant for a flag (`--param SiemExternalId <id>`) can land here.
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command; allowed commands: ${COMMANDS.join(', ')}`);
  const cmd = command as Command;
  const allowed = [...COMMON, ...COMMAND_FLAGS[cmd]];
  if (extra.length > 0) throw new UsageError(`${cmd} takes no further arguments (${extra.length} given); allowed flags: ${flagList(allowed)}`);
  for (const flag of Object.keys(values) as Flag[]) {
    if (!allowed.includes(flag)) throw new UsageError(`--${flag} is not a flag of ${cmd}; allowed flags: ${flagList(allowed)}`);
  }

  const region = single(values, 'region');
  const target = parseTarget(values, region);
  if (target.kind === 'none' && cmd !== 'smoke')
    throw new UsageError(`${cmd} needs --stack NAME|ARN, or --stack-id ARN with --param/--props; allowed values: --stack a stack name or ${STACK_ARN_RULE}`);
  const propsFile = single(values, 'props');
  const fromFile = propsFile === undefined ? {} : await readProps(propsFile, readFile);
  const fromParams = paramProps(values.param ?? []);
  const templateUrl = single(values, 'template-url');
  if (templateUrl !== undefined && !/^https:\/\/[^\s]+$/.test(templateUrl))
    throw new UsageError(`--template-url is not allowed; allowed values: an https:// URL of the template in S3`);
  const bucket = single(values, 'bucket');
  const template = single(values, 'template');
  const profile = single(values, 'profile');
  const regions = parseRegions(single(values, 'regions'));
  return {
    command: cmd,
    target,
    props: { ...fromFile, ...fromParams },
    json: values.json === true,
    ...(region !== undefined ? { region } : {}),
    ...(profile !== undefined ? { profile } : {}),
    ...(regions !== undefined ? { regions } : {}),
    yes: values.yes === true,
    dryRun: values['dry-run'] === true,
    minutes: integer(values, 'minutes', 15, 1, 7 * 24 * 60),
    sample: integer(values, 'sample', 0, 0, 100),
    ...(templateUrl !== undefined ? { templateUrl } : {}),
    ...(bucket !== undefined ? { bucket } : {}),
    ...(template !== undefined ? { template } : {}),
    secrets: secretValues(fromFile, fromParams),
  };
}

/** The region a target names itself (a stack ARN's), if any. */
export function targetRegion(target: Target): string | undefined {
  if (target.kind === 'offline') return target.identity.region;
  if (target.kind === 'stack' && isStackArn(target.stack)) return stackIdentity({ StackId: target.stack }).region;
  return undefined;
}

function parseTarget(values: Values, region: string | undefined): Target {
  const stack = single(values, 'stack');
  const stackId = single(values, 'stack-id');
  if (stack !== undefined && stackId !== undefined)
    throw new UsageError(
      '--stack and --stack-id are both given; give one: --stack NAME|ARN reads the properties from CloudFormation, --stack-id ARN takes them from --props/--param',
    );
  if (stack !== undefined) {
    if (!STACK_NAME.test(stack) && !isStackArn(stack))
      throw new UsageError(
        `--stack '${stack}' is not allowed; allowed values: a stack name (a letter, then letters, digits, hyphens; 128 at most) or ${STACK_ARN_RULE}`,
      );
    if (isStackArn(stack) && region !== undefined && region !== stackIdentity({ StackId: stack }).region) {
      throw new UsageError(
        `--region '${region}' is not allowed; allowed values: ${stackIdentity({ StackId: stack }).region} (the region of --stack), or leave it out`,
      );
    }
    return { kind: 'stack', stack };
  }
  if (stackId === undefined) return { kind: 'none' };
  let identity: StackIdentity;
  try {
    identity = stackIdentity({ StackId: stackId });
  } catch {
    throw new UsageError(`--stack-id '${stackId}' is not allowed; allowed values: ${STACK_ARN_RULE}`);
  }
  if (region !== undefined && region !== identity.region) {
    throw new UsageError(`--region '${region}' is not allowed; allowed values: ${identity.region} (the region of --stack-id), or leave it out`);
  }
  return { kind: 'offline', identity };
}

function isStackArn(value: string): boolean {
  try {
    stackIdentity({ StackId: value });
    return true;
  } catch {
    return false;
  }
}

function parseRegions(value: string | undefined): 'all' | string[] | undefined {
  if (value === undefined) return undefined;
  if (value === 'all') return 'all';
  const list = value.split(',').map((r) => r.trim());
  const bad = list.find((r) => !/^[a-z]{2}(-[a-z]+)+-\d$/.test(r));
  if (bad !== undefined)
    throw new UsageError(`--regions '${value}' is not allowed; allowed values: all, or region names separated by commas (us-east-1,eu-west-1)`);
  return [...new Set(list)];
}

function integer(values: Values, flag: 'minutes' | 'sample', fallback: number, min: number, max: number): number {
  const given = single(values, flag);
  if (given === undefined) return fallback;
  if (!/^\d+$/.test(given) || Number(given) < min || Number(given) > max)
    throw new UsageError(`--${flag} '${given}' is not allowed; allowed values: a whole number from ${min} to ${max}`);
  return Number(given);
}

function parseFlags(argv: readonly string[]): { values: Values; positionals: string[] } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- parseArgs' inferred result type is not expressible as its type arguments
    return parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS }) as { values: Values; positionals: string[] };
  } catch (err) {
    // node:util's messages name the flag, never its value ("Unknown option '--x'", "Option '--region <value>' argument missing").
    const { code, message } = err as NodeJS.ErrnoException;
    const text = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? `unknown flag ${/'[^']*'/.exec(message)?.[0] ?? ''}` : message.split(/\.?\n/)[0];
    throw new UsageError(`${text}; allowed flags: ${flagList(Object.keys(OPTIONS) as Flag[])}`);
  }
}

function single(values: Values, flag: Exclude<Flag, 'json' | 'yes' | 'dry-run' | 'help' | 'param'>): string | undefined {
  const given = values[flag];
  if (given && given.length > 1) throw new UsageError(`--${flag} is given ${given.length} times; give it once`);
  return given?.[0];
}
