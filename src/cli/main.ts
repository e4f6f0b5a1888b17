import { readFile } from 'node:fs/promises';
import { createClients, type ClientFactoryOptions } from '../aws/clients';
import { buildContext } from '../context-factory';
import { ConfigError, describeError } from '../errors';
import { createLogger, REDACTED } from '../log';
import type { Component } from '../pipeline/component';
import { defaultComponents } from '../pipeline/components';
import { PipelineEngine } from '../pipeline/engine';
import { auditExitCode, auditPipeline, formatAudit } from './audit';
import { emulatorClientOptions } from './emulator';
import { parseCliArgs, USAGE, UsageError } from './args';

/** Where the command writes and reads: the process's streams and files, or a test's buffers. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile?(path: string): Promise<string>;
}

/** What tests inject: client options (the fake account's middleware) and components. */
export interface CliDeps {
  clientOptions?: Omit<ClientFactoryOptions, 'region'>;
  components?: readonly Component[];
}

/** Exit codes of the operator commands. */
export const EXIT = { ok: 0, findings: 1, badInput: 2 } as const;

/**
 * Runs one operator command and returns its exit code (0 no findings, 1 findings, 2 bad input); never calls
 * process.exit, so tests call it directly. Everything it prints has the given ExternalId masked.
 */
export async function run(argv: readonly string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  let secrets = secretsInArgv(argv);
  const mask = (text: string) => secrets.reduce((t, s) => t.split(s).join(REDACTED), text);
  const out = (text: string) => io.stdout(mask(text));
  const err = (text: string) => io.stderr(mask(text));

  let request;
  try {
    request = await parseCliArgs(argv, io.readFile ?? ((path) => readFile(path, 'utf8')));
  } catch (e) {
    if (!(e instanceof UsageError || e instanceof ConfigError)) throw e;
    const hint = e instanceof ConfigError ? ' (the properties come from --props and --param)' : '';
    err(`error: ${e.message}${hint}\n\n${USAGE}\n`);
    return EXIT.badInput;
  }
  if (request.command === 'help') {
    out(`${USAGE}\n`);
    return EXIT.ok;
  }
  secrets = [...new Set([...secrets, ...request.secrets])];

  try {
    const { config, identity } = request;
    const clients = createClients({ region: identity.region, ...emulatorClientOptions(process.env), ...deps.clientOptions });
    const log = createLogger({ level: 'warn', sink: (line) => err(`${line}\n`) });
    // Read-only: audit only inspects, so it needs no permissions boundary.
    const ctx = buildContext({ env: {}, readOnly: true }, clients, config, identity, log);
    const report = await auditPipeline(config, ctx, new PipelineEngine(deps.components ?? defaultComponents()));
    out(formatAudit(report, { json: request.json }));
    return auditExitCode(report);
  } catch (e) {
    err(`error: the audit could not run: ${describeError(e)}\n`);
    return EXIT.findings;
  }
}

/** SiemExternalId values on the command line (`--param SiemExternalId=...`), masked even when invalid. */
function secretsInArgv(argv: readonly string[]): string[] {
  return argv
    .map((a) => /(?:^|=)SiemExternalId=(.+)$/.exec(a)?.[1])
    .filter((v): v is string => v !== undefined && v.length > 0);
}

/** The process's own streams and files. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readFile: (path) => readFile(path, 'utf8'),
  };
}

// Run as a program (`node dist/cli/index.js audit ...`), not when imported by tests.
if (require.main === module) {
  // The SDK's "Node >= 22 after January 2027" warning is noise for an operator on a supported Node (engines: >= 20).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  run(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`error: ${describeError(e)}\n`);
      process.exitCode = EXIT.findings;
    },
  );
}
