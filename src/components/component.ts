import type { PipelineConfig } from '../config/pipeline-config';
import { OwnershipConflictError } from '../support/errors';
import type { PipelineContext } from './context';

export type ComponentId = string;

/** Values a component reports after ensure; merged into the custom resource's Data (never secrets). */
export type ComponentOutputs = Record<string, string>;

/** What inspect found: read-only, for audit, drift repair and tests. */
export interface ComponentStatus {
  /** present: as desired; drifted: exists but differs; absent: nothing of ours. */
  state: 'present' | 'drifted' | 'absent';
  details?: Record<string, unknown>;
}

/** One setting that differs: what the account has and what the config wants. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/**
 * One typed change a diff found. `conflict`: a resource with our name that is not ours (ensure refuses
 * it, inspect reports it absent). `difference` is what inspect reports for it (default: `description`).
 * `targets`: the items of a component of many (the VPCs of flow logs) this change is about.
 */
export type Change<Action = unknown> = { resource: string; description: string; action?: Action; difference?: unknown; targets?: string[] } & (
  { kind: 'create' | 'delete' | 'adopt' | 'none' | 'conflict' } | { kind: 'update'; fields: FieldChange[] }
);

/** Why a component reads: to converge (ensure) or to report (inspect, plan). */
export type ReadPurpose = 'ensure' | 'inspect';

/**
 * The contract every component is written to: `read` the account (never writes), the `desired` state (a
 * pure function of config and context: the one place it is written), a pure `diff` into typed changes,
 * and `apply` them. `defineComponent` derives ensure, inspect and plan from these four.
 */
export interface ComponentContract<Current, Desired, Action> {
  /**
   * `for: 'ensure'` may skip reading a setting ensure writes anyway (a Put costs what a Get does); the diff
   * then updates it unread. Inspect and plan read everything.
   */
  read(config: PipelineConfig, ctx: PipelineContext, purpose: ReadPurpose): Promise<Current>;
  desired(config: PipelineConfig, ctx: PipelineContext): Desired;
  diff(current: Current, desired: Desired): Change<Action>[];
  /** Performs the changes (`current`: what read found, for ids and ARNs the changes act on). */
  apply(changes: Change<Action>[], config: PipelineConfig, ctx: PipelineContext, current: Current): Promise<ComponentOutputs>;
  /** What inspect reports beside the state (an ARN, say), from what read found. */
  details?(current: Current, ctx: PipelineContext): Record<string, unknown>;
  /** Inspect's status, where `statusOf` does not fit (flow logs report per VPC); by default `statusOf`. */
  status?(changes: Change<Action>[]): ComponentStatus;
}

/**
 * One part of the pipeline. `ensure` converges and is safe to repeat; `remove` deletes only what we own
 * and treats "not found" as done; `inspect` and `plan` never write.
 */
export interface Component {
  readonly id: ComponentId;
  /** Components whose ensure must finish before this one's starts (and whose remove waits for this one's). */
  readonly dependsOn: readonly ComponentId[];
  /** Whether the config asks for this component at all. */
  enabled(config: PipelineConfig, ctx: PipelineContext): boolean;
  /**
   * True when an Update from `before` to `after` points this component at a different resource it cannot
   * converge (e.g. another log group to subscribe): the old one is removed with the old config first.
   */
  replacedWhen?(before: PipelineConfig, after: PipelineConfig): boolean;
  ensure(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentOutputs>;
  remove(config: PipelineConfig, ctx: PipelineContext): Promise<void>;
  inspect(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentStatus>;
  /** The changes ensure would make (read + diff): no write call (`defineComponent` derives it). */
  plan(config: PipelineConfig, ctx: PipelineContext): Promise<Change[]>;
  /** Runs after the whole request succeeded: clears marks that say "made by a request still in flight". */
  commit?(config: PipelineConfig, ctx: PipelineContext): Promise<void>;
  /**
   * Ensure may take over what the stack's previous pipeline name used (a rename): when the replacement
   * fails, its cleanup re-ensures this component with the old config so the live pipeline is whole again.
   */
  readonly sharedAcrossRename?: boolean;
}

type Rest = Omit<Component, 'ensure' | 'inspect' | 'plan'>;

/** A component from its contract: ensure = read + diff + apply, inspect and plan = read + diff. */
export function defineComponent<C, D, A>(rest: Rest, contract: ComponentContract<C, D, A>): Component {
  const plan = async (config: PipelineConfig, ctx: PipelineContext, purpose: ReadPurpose = 'inspect') => {
    const current = await contract.read(config, ctx, purpose);
    return { current, changes: contract.diff(current, contract.desired(config, ctx)) };
  };
  return {
    ...rest,
    plan: process.env.SIEM_LAMBDA_BUNDLE ? notInLambda : async (config, ctx) => (await plan(config, ctx)).changes,
    async ensure(config, ctx) {
      const { current, changes } = await plan(config, ctx, 'ensure');
      const conflict = changes.find((c) => c.kind === 'conflict');
      if (conflict) throw new OwnershipConflictError(conflict.description);
      return contract.apply(changes, config, ctx, current);
    },
    inspect: process.env.SIEM_LAMBDA_BUNDLE
      ? notInLambda
      : async (config, ctx) => {
          const { current, changes } = await plan(config, ctx);
          return contract.status ? contract.status(changes) : statusOf(changes, contract.details?.(current, ctx));
        },
  };
}

/**
 * Stands in for CLI-only code (components' `inspect` and `plan`, sources' record `matches`) in the Lambda
 * bundles, which only ensure, remove and commit: build.mjs defines `process.env.SIEM_LAMBDA_BUNDLE` there, so
 * `process.env.SIEM_LAMBDA_BUNDLE ? notInLambda : inspectX` lets esbuild drop inspectX and what only it uses.
 * Tests and the CLI run the real code.
 */
export function notInLambda(): never {
  throw new Error('inspect, plan and record matching are left out of the Lambda bundles: run them from the CLI');
}

/** Why a delete is planned for what the config does not ask for (plan and inspect say it). */
export const NOT_WANTED = 'not wanted by the config';

/** A change with no fields: a create, delete, adopt or conflict (or an update the plan shows by its description). */
export function changeOf<A>(kind: 'create' | 'delete' | 'adopt' | 'conflict', resource: string, description: string, action?: A): Change<A> {
  return { kind, resource, description, action };
}

/** A change of one field, from -> to. */
export function updateOf<A>(resource: string, field: string, from: unknown, to: unknown, description: string, action?: A): Change<A> {
  return { kind: 'update', resource, description, fields: [{ field, from, to }], action };
}

/**
 * Inspect's view of a diff: a conflict or a pending create is absent; anything else to change is drift,
 * listed in `differences`, but an adopt (what someone else made, used as found) is not.
 */
export function statusOf(changes: readonly Change[], details?: Record<string, unknown>): ComponentStatus {
  const conflict = changes.find((c) => c.kind === 'conflict');
  if (conflict) return { state: 'absent', details: { conflict: conflict.description } };
  if (changes.some((c) => c.kind === 'create')) return { state: 'absent' };
  const differences = changes.filter((c) => c.kind !== 'none' && c.kind !== 'adopt').map((c) => c.difference ?? c.description);
  if (differences.length === 0) return details ? { state: 'present', details } : { state: 'present' };
  return { state: 'drifted', details: { ...details, differences } };
}
