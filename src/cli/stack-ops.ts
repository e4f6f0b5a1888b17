import {
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  waitUntilChangeSetCreateComplete,
  type CloudFormationClient,
  type Change,
  type Parameter,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import type { Clock } from '../support/clock';
import type { WaitSettings } from '../components/context';

/** CloudFormation's wait for a change set: its own waiter, with settings tests shrink. */
export const CHANGE_SET_WAITS: WaitSettings = { minDelay: 5, maxDelay: 30, maxWaitTime: 600 };
/** Stack events are polled this often (ms) until the stack settles; DescribeStackEvents is cheap. */
export const EVENT_POLL_MS = 5_000;
/** The longest a deploy or destroy is followed before giving up (the stack goes on; see the console). */
export const STACK_WAIT_MS = 60 * 60_000;

/** A created change set, with what it would change; `empty` when CloudFormation found nothing to change. */
export interface ChangeSetView {
  id: string;
  stackId: string;
  type: 'CREATE' | 'UPDATE';
  changes: Change[];
  empty: boolean;
}

/** Parameters for a change set: the given values, and UsePreviousValue for every other parameter the stack has. */
export function changeSetParameters(given: Record<string, string>, existing: readonly Parameter[] = []): Parameter[] {
  const previous = existing.flatMap((p) =>
    p.ParameterKey && !Object.hasOwn(given, p.ParameterKey) ? [{ ParameterKey: p.ParameterKey, UsePreviousValue: true }] : [],
  );
  return [...Object.entries(given).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })), ...previous];
}

/** Creates a change set and waits (SDK waiter) until it can be shown; an empty one is deleted again. */
export async function createChangeSet(
  cfn: CloudFormationClient,
  input: { stackName: string; templateUrl: string; parameters: Parameter[]; existing: Stack | undefined; name: string },
  waits: WaitSettings,
): Promise<ChangeSetView> {
  const type = input.existing ? 'UPDATE' : 'CREATE';
  const made = await cfn.send(
    new CreateChangeSetCommand({
      StackName: input.stackName,
      ChangeSetName: input.name,
      ChangeSetType: type,
      TemplateURL: input.templateUrl,
      Parameters: input.parameters,
      // The template names IAM roles and policies.
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
    }),
  );
  const id = made.Id!;
  try {
    await waitUntilChangeSetCreateComplete({ client: cfn, ...waits }, { ChangeSetName: id });
  } catch (err) {
    const out = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: id }));
    // CloudFormation fails a change set that changes nothing; that is no error for a deploy.
    if (out.Status === 'FAILED' && /didn't contain changes|No updates are to be performed/.test(out.StatusReason ?? '')) {
      await cfn.send(new DeleteChangeSetCommand({ ChangeSetName: id }));
      return { id, stackId: made.StackId!, type, changes: [], empty: true };
    }
    throw new Error(`change set ${out.Status ?? 'failed'}: ${out.StatusReason ?? (err as Error).message}`);
  }
  const changes: Change[] = [];
  let NextToken: string | undefined;
  do {
    const out = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: id, ...(NextToken ? { NextToken } : {}) }));
    changes.push(...(out.Changes ?? []));
    NextToken = out.NextToken;
  } while (NextToken);
  return { id, stackId: made.StackId!, type, changes, empty: false };
}

/** One line per change: action, logical id, type, and whether it replaces the resource. */
export function changeLines(changes: readonly Change[]): string[][] {
  return changes.map((c) => {
    const r = c.ResourceChange ?? {};
    return [r.Action ?? '?', r.LogicalResourceId ?? '?', r.ResourceType ?? '?', r.Replacement === 'True' ? 'replacement' : ''];
  });
}

const SETTLED = /(_COMPLETE|_FAILED)$/;
const IN_PROGRESS_SUFFIX = /_IN_PROGRESS$/;

/**
 * Follows a stack until its status settles: every new event (after `since`) goes to `onEvent` oldest first;
 * polls with the injected clock. Returns the settled stack (DELETE_COMPLETE for a deleted one).
 */
export async function followStack(cfn: CloudFormationClient, stackId: string, since: Date, clock: Clock, onEvent: (e: StackEvent) => void): Promise<Stack> {
  const seen = new Set<string>();
  const deadline = clock.now() + STACK_WAIT_MS;
  for (;;) {
    // Status first, events second: every event up to a settled status is printed before returning.
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackId }))).Stacks?.[0];
    for (const e of await newEvents(cfn, stackId, since, seen)) onEvent(e);
    const status = stack?.StackStatus ?? '';
    if (stack && SETTLED.test(status) && !IN_PROGRESS_SUFFIX.test(status)) return stack;
    if (clock.now() >= deadline) throw new Error(`the stack is still ${status} after ${STACK_WAIT_MS / 60_000} minutes`);
    await clock.sleep(EVENT_POLL_MS);
  }
}

/** Events not yet seen and not older than `since`, oldest first (DescribeStackEvents pages newest first). */
async function newEvents(cfn: CloudFormationClient, stackId: string, since: Date, seen: Set<string>): Promise<StackEvent[]> {
  const fresh: StackEvent[] = [];
  let NextToken: string | undefined;
  pages: do {
    const out = await cfn.send(new DescribeStackEventsCommand({ StackName: stackId, ...(NextToken ? { NextToken } : {}) }));
    for (const e of out.StackEvents ?? []) {
      if (!e.EventId || seen.has(e.EventId) || (e.Timestamp && e.Timestamp < since)) break pages;
      fresh.push(e);
    }
    NextToken = out.NextToken;
  } while (NextToken);
  for (const e of fresh) seen.add(e.EventId!);
  return fresh.reverse();
}

/** One event as a line: time, status, logical id, type, reason. */
export function eventLine(e: StackEvent): string {
  const time = e.Timestamp ? e.Timestamp.toISOString().slice(11, 19) : '--:--:--';
  return [time, e.ResourceStatus ?? '?', e.LogicalResourceId ?? '?', e.ResourceType ?? '', e.ResourceStatusReason ?? ''].join('  ').trimEnd();
}
