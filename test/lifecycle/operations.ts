import { stackIdentity } from '../../src/engine/stack-identity';
import { parseConfig } from '../../src/sources/parse';
import { BOUNDARY_ENV, buildContext } from '../../src/engine/context-from-env';
import { createLogger } from '../../src/support/log';
import { validateBeforeWrite } from '../../src/engine/preflight';
import { trailHomeElsewhere, withTrailHome } from '../../src/engine/trail-home';
import type { FakeAccount, FakeCall } from '../fake/account';
import { BOUNDARY_ARN, STACK_ID } from './harness';

/**
 * Fault injection by operation: a clean run is recorded once, then each of its calls, named by operation
 * and occurrence (`kinesis:CreateStream#1`), is failed or throttled in turn in a fresh account. No test
 * holds a call count or a position: a component that adds or drops a call changes the list by itself.
 */

/**
 * The calls the pipeline's steps made: the request guard's read of the stack's status is no step (its
 * failures are covered in forged-requests.test.ts).
 */
export function pipelineCalls(fake: FakeAccount): FakeCall[] {
  return fake.calls.filter((c) => c.service !== 'cloudformation');
}

/** The operation labels of every call a clean run's steps made, in order. */
export async function recordOperations(run: () => Promise<FakeAccount>): Promise<string[]> {
  return pipelineCalls(await run()).map((c) => c.op);
}

/**
 * Runs `check` for each operation, one after another (each check builds its own account), and returns one
 * line per operation whose check threw: `<op>: <message>`. An empty list means every case held.
 */
export async function failuresByOperation(ops: readonly string[], check: (op: string) => Promise<void>): Promise<string[]> {
  const failures: string[] = [];
  for (const op of ops) {
    try {
      await check(op);
    } catch (err) {
      failures.push(`${op}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return failures;
}

/**
 * The operations of the read-only checks a Create makes before its first write, on the account `world`
 * returns: the trail-home lookup, then validateBeforeWrite (which takes the lookup's trail list). Their labels
 * are the Create's own.
 */
export async function recordPreflightOperations(world: () => FakeAccount, props: Record<string, string>): Promise<string[]> {
  const fake = world();
  const parsed = parseConfig(props);
  const log = createLogger({ level: 'error', sink: () => undefined });
  const ctx = buildContext({ env: { [BOUNDARY_ENV]: BOUNDARY_ARN } }, fake.clients(), parsed, stackIdentity({ StackId: STACK_ID }), log);
  const before = fake.calls.length;
  const config = withTrailHome(parsed, await trailHomeElsewhere(parsed, ctx));
  await validateBeforeWrite(config, ctx);
  return fake.calls.slice(before).map((c) => c.op);
}

/** The id a Create reports when it fails before making anything. */
export const REJECTED_ID = 'siem-pipeline/rejected/Pipeline';
