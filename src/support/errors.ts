/** Bad resource properties or environment: the message names each property and its allowed values. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid properties: ${problems.join('; ')}`);
  }
}

/** A pipeline step (component + operation) failed; the message names the step, the cause is kept. */
export class PipelineStepError extends Error {
  override readonly name = 'PipelineStepError';
  constructor(
    readonly component: string,
    readonly operation: 'ensure' | 'remove' | 'inspect' | 'commit' | 'validate',
    cause: unknown,
  ) {
    super(`${operation} ${component} failed: ${describeError(cause)}`, { cause });
  }
}

/** A resource with one of our deterministic names exists but belongs to someone else. */
export class OwnershipConflictError extends Error {
  override readonly name = 'OwnershipConflictError';
}

/** Work did not finish in the time it was given. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/** `Name: message` of any thrown value, for logs and CloudFormation Reasons. */
export function describeError(err: unknown): string {
  if (err instanceof PipelineStepError || err instanceof ConfigError) return err.message;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** The not-found error name Kinesis, CloudWatch Logs, EventBridge, Secrets Manager and CloudTrail's ListTags share. */
export const NOT_FOUND = 'ResourceNotFoundException';

/**
 * True when `err` is an AWS error with one of the given names. SDK v3 query-protocol errors (IAM) carry
 * the class name in `name` (`NoSuchEntityException`) and the wire code in `Code` (`NoSuchEntity`): either matches.
 */
export function isAwsError(err: unknown, ...names: string[]): boolean {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: unknown; Code?: unknown; code?: unknown };
  return [e.name, e.Code, e.code].some((v) => typeof v === 'string' && names.includes(v));
}
