import { readFile } from 'node:fs/promises';
import { DeleteStackCommand, ExecuteChangeSetCommand } from '@aws-sdk/client-cloudformation';
import type { CliRequest } from '../args';
import { table } from '../format';
import type { Session } from '../session';
import { changeLines, changeSetParameters, CHANGE_SET_WAITS, createChangeSet, eventLine, followStack } from '../stack-ops';
import { describeStack, resolveTarget } from '../target';
import { uploadTemplate } from '../upload';
import { UsageError } from '../usage';
import { leftovers } from './leftovers';

/** The rendered template `npm run build` writes. */
export const DEFAULT_TEMPLATE = 'dist/siem-pipeline.template.json';

/** Refuses up front, before any call, a change that could not be confirmed: no --yes and no terminal (exit 2). */
export function requireConfirmable(session: Session, req: Pick<CliRequest, 'yes' | 'command'>): void {
  if (!req.yes && (!session.io.isTty || !session.io.confirm))
    throw new UsageError(`--yes is required: ${req.command} changes the account and there is no terminal to ask`);
}

/** Asks before a change unless --yes. */
export async function confirmed(session: Session, req: Pick<CliRequest, 'yes' | 'command'>, question: string): Promise<boolean> {
  requireConfirmable(session, req);
  if (req.yes) return true;
  // The question takes the terminal's line: no spinner over it.
  session.progress.stop();
  return session.io.confirm!(question);
}

function stackName(req: CliRequest): string {
  if (req.target.kind !== 'stack')
    throw new UsageError(`${req.command} needs --stack NAME (the stack to ${req.command === 'destroy' ? 'delete' : 'create or update'})`);
  return req.target.stack;
}

/** The template's URL: --template-url as given, or the rendered template uploaded to --bucket. */
async function templateUrl(session: Session, req: CliRequest): Promise<string> {
  if (req.templateUrl !== undefined) return req.templateUrl;
  if (req.bucket === undefined)
    throw new UsageError('--template-url or --bucket is required: the template is larger than the 51,200 bytes CloudFormation takes inline');
  const file = req.template ?? DEFAULT_TEMPLATE;
  let body: string;
  try {
    body = await (session.io.readFile ?? ((p: string) => readFile(p, 'utf8')))(file);
  } catch {
    throw new UsageError(`--template '${file}' cannot be read; allowed values: the rendered template (run npm run build first)`);
  }
  const url = await uploadTemplate(session.clientsFor(session.region).s3, req.bucket, session.region, body);
  session.progress.done(`uploaded the template to ${url}`);
  return url;
}

/** deploy: a change set for Create or Update, shown, confirmed, executed and followed; then the outputs. */
export async function runDeploy(session: Session, req: CliRequest): Promise<number> {
  const name = stackName(req);
  requireConfirmable(session, req);
  const cfn = session.clientsFor(session.region).cloudformation;
  const url = await templateUrl(session, req);
  const found = await describeStack(session, session.region, name);
  // A create that failed leaves ROLLBACK_COMPLETE: CloudFormation updates no such stack; it must be deleted first.
  if (found?.StackStatus === 'ROLLBACK_COMPLETE')
    throw new UsageError(`--stack ${name} is ROLLBACK_COMPLETE (its create failed): run aws-siem-pipeline destroy --stack ${name} first`);
  // A stack that only holds a change set never executed (REVIEW_IN_PROGRESS) is still created, not updated.
  const existing = found?.StackStatus === 'REVIEW_IN_PROGRESS' ? undefined : found;
  session.progress.working(`creating a change set for ${name}`);
  const set = await createChangeSet(
    cfn,
    {
      stackName: name,
      templateUrl: url,
      parameters: changeSetParameters(req.props, existing?.Parameters),
      existing,
      name: `aws-siem-pipeline-${session.clock.now()}`,
    },
    session.deps.waits ?? CHANGE_SET_WAITS,
  );
  if (set.empty) {
    session.out(`Stack ${name} is up to date: the change set has no changes.\n`);
    return 0;
  }
  session.out(
    [`Change set (${set.type}) for stack ${name}:`, '', ...table(['action', 'resource', 'type', 'replacement'], changeLines(set.changes)), ''].join('\n'),
  );
  if (!(await confirmed(session, req, `execute this change set on ${name}?`))) {
    session.out('Not executed.\n');
    return 0;
  }
  const started = new Date(session.clock.now());
  await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: set.id }));
  session.progress.working(`${set.type === 'CREATE' ? 'creating' : 'updating'} ${name}`);
  const stack = await followStack(cfn, set.stackId, started, session.clock, (e) => session.progress.done(eventLine(e)));
  session.out(`\nStack ${name}: ${stack.StackStatus ?? '?'}\n`);
  for (const o of stack.Outputs ?? []) session.out(`  ${o.OutputKey ?? '?'} = ${o.OutputValue ?? ''}\n`);
  return /^(CREATE|UPDATE)_COMPLETE$/.test(stack.StackStatus ?? '') ? 0 : 1;
}

/** destroy: deletes the stack, follows it to DELETE_COMPLETE, then checks that nothing of ours is left. */
export async function runDestroy(session: Session, req: CliRequest): Promise<number> {
  const name = stackName(req);
  requireConfirmable(session, req);
  const target = await resolveTarget(req, session);
  if (!(await confirmed(session, req, `delete stack ${name} and its pipeline?`))) {
    session.out('Not deleted.\n');
    return 0;
  }
  const cfn = session.clientsFor(session.region).cloudformation;
  const started = new Date(session.clock.now());
  await cfn.send(new DeleteStackCommand({ StackName: target.identity.stackId }));
  session.progress.working(`deleting ${name}`);
  const stack = await followStack(cfn, target.identity.stackId, started, session.clock, (e) => session.progress.done(eventLine(e)));
  session.out(`\nStack ${name}: ${stack.StackStatus ?? '?'}\n`);
  if (stack.StackStatus !== 'DELETE_COMPLETE') return 1;
  const left = await leftovers(session, target);
  session.out(left.length === 0 ? 'Nothing of the pipeline is left.\n' : `Left behind:\n${left.map((l) => `  - ${l}`).join('\n')}\n`);
  return left.length === 0 ? 0 : 1;
}
