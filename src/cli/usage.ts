/** Bad command-line input: the message names the flag and what it allows. The command exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The operator commands. */
export const COMMANDS = ['plan', 'deploy', 'destroy', 'audit', 'repair', 'verify', 'smoke'] as const;
export type Command = (typeof COMMANDS)[number];

export const USAGE = [
  'usage: aws-siem-pipeline <command> [--stack NAME|ARN | --stack-id ARN --param K=V ... | --props FILE] [flags]',
  '',
  'commands:',
  '  plan      what a Create (new stack) or Update (--stack) would change here; writes nothing',
  '  deploy    create or update the stack through a change set (--template-url URL | --bucket NAME) [--yes]',
  '  destroy   delete the stack, then audit that nothing of ours is left [--yes]',
  "  audit     compare each component with the stack's properties [--regions all|r1,r2]",
  "  repair    converge the pipeline to the stack's properties, then audit [--dry-run]",
  '  verify    read the stream and count records per source [--minutes 15] [--sample N]',
  '  smoke     release check: deploy a throwaway stack, audit, verify, destroy (--region R --yes)',
  '',
  'flags:',
  "  --stack      the stack's name or ARN: its properties are read from CloudFormation",
  '  --stack-id   the stack ARN, with the properties given by --props/--param (emulators, offline use)',
  '  --props      JSON file: {"PipelineName": "siem", ...} or a describe-stacks Parameters list',
  '  --param      one property as Name=value; repeatable; overrides --props and the stack',
  '  --region     the region (default: the SDK chain: AWS_REGION, profile); --profile  a named profile',
  '  --json       print JSON instead of a table',
  '',
  'Exit code: 0 nothing to report, 1 findings, 2 bad input (the flag is named), 3 could not run (credentials, endpoint, access).',
].join('\n');
