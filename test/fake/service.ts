import type { ServiceKey } from '../../src/aws/clients';
import type { ErrorFactory } from './errors';

/** How long a resource stays in a transitional state (CREATING, UPDATING, DELETING). */
export interface TransitionTiming {
  /** Settles after this many describe calls have seen the transitional state. */
  describes?: number;
  /** Settles once this much time has passed on the account's clock. */
  ms?: number;
}

/** What every service module shares: identity, clock and id generation of the account. */
export interface FakeEnv {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  now(): number;
  /** A random string from `alphabet` (deterministic per account seed). */
  random(length: number, alphabet?: string): string;
  uuid(): string;
}

/** A resource the account holds, as `resourcesOwnedBy` and tests name it. */
export interface OwnedResource {
  service: ServiceKey;
  type: string;
  id: string;
}

/** Which resources belong to a pipeline: by a tag value or by one of its deterministic names. */
export interface OwnerMatch {
  tagValue: string;
  names: ReadonlySet<string>;
}

/** One service of the fake account. */
export interface FakeService {
  readonly key: ServiceKey;
  readonly errors: ErrorFactory;
  /** Commands this module answers (without the `Command` suffix). */
  readonly commands: readonly string[];
  /** Answers one command: returns the output without `$metadata`, or throws an AWS error. */
  handle(command: string, input: Record<string, unknown>): unknown;
  snapshot(): unknown;
  owned(match: OwnerMatch): OwnedResource[];
}

/** A table of command handlers, typed by the SDK's own input and output shapes. */
export type Handlers = Record<string, (input: never) => unknown>;

/** An SDK command output without the `$metadata` the transport adds. */
export type Out<T> = Omit<T, '$metadata'>;

export const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** True when any tag value equals the match's, or the name is one of the pipeline's names. */
export function matchesOwner(match: OwnerMatch, name: string, tags: Record<string, string>): boolean {
  return match.names.has(name) || Object.values(tags).includes(match.tagValue);
}

/**
 * A state that settles after N describes or T ms, whichever comes first; both undefined means at once.
 * `settle` runs the change that becomes visible when the transition completes.
 */
export class Transition<S extends string> {
  private describesLeft: number | undefined;
  private readonly until: number | undefined;

  constructor(
    readonly state: S,
    timing: TransitionTiming,
    now: number,
    readonly settle: () => void,
  ) {
    this.describesLeft = timing.describes;
    this.until = timing.ms === undefined ? undefined : now + timing.ms;
  }

  /** Whether the transition is over at `now`; a describe call counts down the describe budget first. */
  isDone(now: number, describe: boolean): boolean {
    if (this.describesLeft === undefined && this.until === undefined) return true;
    if (this.until !== undefined && now >= this.until) return true;
    if (this.describesLeft === undefined) return false;
    if (this.describesLeft <= 0) return true;
    if (describe) this.describesLeft--;
    return false;
  }
}

/** Plain `{Key, Value}` list from a tag map. */
export function toTagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** Tag map from `{Key, Value}` items. */
export function fromTagList(tags: readonly { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? '']));
}

/** Throws a plain Error for a command the fake does not model, so a test fails loudly instead of passing by luck. */
export function notModelled(service: string, command: string): never {
  const err = new Error(`fake account: ${service}.${command} is not modelled; add it to test/fake/${service}.ts`);
  err.name = 'FakeNotModelled';
  throw err;
}

/**
 * A deep copy of plain data (objects, arrays, Dates, byte arrays). Not `structuredClone`: under jest that
 * makes Dates of another realm, which `instanceof Date` in the test rejects; the SDK's own are local.
 */
export function deepCopy<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (value instanceof Uint8Array) return Uint8Array.from(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => deepCopy(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepCopy(v)])) as T;
  }
  return value;
}
