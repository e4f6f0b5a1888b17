import type { ServiceKey } from '../../src/aws/clients';

/** One call that reached the fake account (every SDK attempt is one call: retries show up as more calls). */
export interface FakeCall {
  /** 1-based position in the run (since the account was made or `resetCalls`). */
  index: number;
  service: ServiceKey;
  /** Command name without the `Command` suffix: `CreateStream`, `PutUserPolicy`, ... */
  command: string;
  /**
   * The operation and its occurrence in the run: `kinesis:CreateStream#1` is the first CreateStream call.
   * Faults are planned by this label, so a test names an AWS operation, never a position in the run.
   */
  op: string;
  input: Record<string, unknown>;
  /** `ok`, the error name thrown, or `hung`. */
  outcome?: string;
}

/**
 * What a fault throws: an Error as is, a wire error code that the service turns into its own SDK error
 * (`'AccessDenied'`, `'ServiceFailure'`, ...), or a function of the call. Undefined means the service's
 * access-denied error, which the SDK does not retry.
 */
export type ErrorSpec = Error | string | ((call: FakeCall) => Error);

export type FaultDecision = { type: 'hang' } | { type: 'throttle' } | { type: 'fail'; spec: ErrorSpec | undefined } | undefined;

/** Read-only commands by AWS's naming convention; everything else writes. */
export function isReadCommand(command: string): boolean {
  return /^(Describe|Get|List|Lookup|Head)/.test(command);
}

/** Which call a fault is for: an operation label (`kinesis:CreateStream#1`, see FakeCall.op). */
export type CallTarget = string;

/** The faults planned for a run, and the decision for each call. */
export class FaultPlan {
  private readonly failAts = new Map<CallTarget, ErrorSpec | undefined>();
  private readonly throttles = new Set<CallTarget>();
  /** Operations that failed permanently: every later call of the same command fails too. */
  private readonly broken = new Map<string, ErrorSpec | undefined>();
  private readonly predicates: { when: (call: FakeCall) => boolean; spec: ErrorSpec | undefined }[] = [];
  private readonly hangs: { command: string; service?: ServiceKey }[] = [];

  failAt(target: CallTarget, spec?: ErrorSpec): void {
    this.failAts.set(target, spec);
  }

  throttleAt(target: CallTarget): void {
    this.throttles.add(target);
  }

  failWhen(when: (call: FakeCall) => boolean, spec?: ErrorSpec): void {
    this.predicates.push({ when, spec });
  }

  hang(command: string, service?: ServiceKey): void {
    this.hangs.push({ command, ...(service ? { service } : {}) });
  }

  clear(): void {
    this.failAts.clear();
    this.throttles.clear();
    this.broken.clear();
    this.predicates.length = 0;
    this.hangs.length = 0;
  }

  decide(call: FakeCall): FaultDecision {
    if (this.hangs.some((h) => h.command === call.command && (h.service === undefined || h.service === call.service))) return { type: 'hang' };
    const op = `${call.service}:${call.command}`;
    if (this.failAts.has(call.op)) {
      const spec = this.failAts.get(call.op);
      this.failAts.delete(call.op);
      this.broken.set(op, spec);
      return { type: 'fail', spec };
    }
    if (this.broken.has(op)) return { type: 'fail', spec: this.broken.get(op) };
    const matched = this.predicates.find((p) => p.when(call));
    if (matched) return { type: 'fail', spec: matched.spec };
    if (this.throttles.delete(call.op)) return { type: 'throttle' };
    return undefined;
  }
}
