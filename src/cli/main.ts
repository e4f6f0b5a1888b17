#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { ConfigError, describeError } from '../support/errors';
import { REDACTED } from '../support/log';
import { parseCliArgs, targetRegion, USAGE, UsageError, type CliRequest } from './args';
import { auditRegions, findingCount, formatAudits } from './commands/audit';
import { runDeploy, runDestroy } from './commands/deploy';
import { formatPlan, planHasChanges, planRegion } from './commands/plan';
import { formatRepair, repairPipeline } from './commands/repair';
import { runSmoke } from './commands/smoke';
import { runVerify } from './commands/verify';
import { couldNotRun } from './failures';
import { regionalPipeline } from './pipeline-context';
import { createSession, failedCall, resolveRegion, type CliDeps, type CliIo, type Session } from './session';
import { resolveTarget } from './target';

export type { CliDeps, CliIo } from './session';

/** Exit codes of the operator commands. */
export const EXIT = { ok: 0, findings: 1, badInput: 2, couldNotRun: 3 } as const;

/**
 * Runs one operator command and returns its exit code (0 nothing to report, 1 findings, 2 bad input, 3 could
 * not run); never calls process.exit, so tests call it directly. Everything it prints has the ExternalId masked.
 */
export async function run(argv: readonly string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  const secrets = secretsInArgv(argv);
  const mask = (text: string) => secrets.reduce((t, s) => t.split(s).join(REDACTED), text);
  const badInput = (e: Error) => {
    const hint = e instanceof ConfigError ? ' (the properties come from the stack, --props and --param)' : '';
    io.stderr(mask(`error: ${e.message}${hint}\n\n${USAGE}\n`));
    return EXIT.badInput;
  };

  let request;
  try {
    request = await parseCliArgs(argv, io.readFile ?? ((path) => readFile(path, 'utf8')));
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) return badInput(e);
    throw e;
  }
  if (request.command === 'help') {
    io.stdout(`${USAGE}\n`);
    return EXIT.ok;
  }
  secrets.push(...request.secrets.filter((s) => !secrets.includes(s)));

  let session: Session | undefined;
  try {
    session = createSession(request, await resolveRegion(request, targetRegion(request.target), deps.env ?? process.env), io, deps, secrets);
    return await dispatch(request, session);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) return badInput(e);
    const reason = couldNotRun(e, failedCall(e));
    if (reason !== undefined) {
      io.stderr(mask(`error: ${request.command} could not run: ${reason}\n`));
      return EXIT.couldNotRun;
    }
    io.stderr(mask(`error: ${request.command} failed: ${describeError(e)}\n`));
    return EXIT.findings;
  } finally {
    session?.progress.stop();
  }
}

async function dispatch(req: CliRequest, session: Session): Promise<number> {
  switch (req.command) {
    case 'plan': {
      const target = await resolveTarget(req, session);
      const report = await planRegion(session, await regionalPipeline(session, target), req.target.kind === 'stack' ? 'Update' : 'Create');
      session.out(formatPlan(report, req.json));
      return planHasChanges(report) ? EXIT.findings : EXIT.ok;
    }
    case 'audit': {
      const audits = await auditRegions(session, req, await resolveTarget(req, session));
      session.out(formatAudits(audits, req.json));
      return findingCount(audits) === 0 ? EXIT.ok : EXIT.findings;
    }
    case 'repair': {
      const target = await resolveTarget(req, session);
      if (req.dryRun) return dispatch({ ...req, command: 'plan' }, session);
      const repaired = await repairPipeline(session, target);
      const audits = await auditRegions(session, { ...req, regions: undefined }, target);
      session.out(
        req.json
          ? `${JSON.stringify({ repair: repaired, audit: JSON.parse(formatAudits(audits, true)) as unknown }, null, 2)}\n`
          : `${formatRepair(repaired, false)}\n${formatAudits(audits, false)}`,
      );
      return findingCount(audits) === 0 ? EXIT.ok : EXIT.findings;
    }
    case 'verify':
      return runVerify(session, req, await resolveTarget(req, session));
    case 'deploy':
      return runDeploy(session, req);
    case 'destroy':
      return runDestroy(session, req);
    case 'smoke':
      return runSmoke(session, req);
  }
}

/** SiemExternalId values on the command line (`--param SiemExternalId=...`), masked even when invalid. */
function secretsInArgv(argv: readonly string[]): string[] {
  return argv.map((a) => /(?:^|=)SiemExternalId=(.+)$/.exec(a)?.[1]).filter((v): v is string => v !== undefined && v.length > 0);
}

/** The process's own streams, files and terminal. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readFile: (path) => readFile(path, 'utf8'),
    isTty: process.stderr.isTTY === true && process.stdin.isTTY === true,
    confirm: async (question) => {
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
      } finally {
        rl.close();
      }
    },
  };
}

// Run as a program (`aws-siem-pipeline audit ...`), not when imported by tests.
if (require.main === module) {
  // The SDK's "Node >= 22 after January 2027" warning is noise for an operator on a supported Node (engines: >= 20).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  run(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`error: ${describeError(e)}\n`);
      process.exitCode = EXIT.couldNotRun;
    },
  );
}
