import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  type Role,
} from '@aws-sdk/client-iam';
import { withRetries } from '../../aws/retry';
import type { PipelineConfig } from '../../config/pipeline-config';
import { isAwsError } from '../../support/errors';
import {
  defineComponent,
  NOT_WANTED,
  notInLambda,
  updateOf,
  type Change,
  type Component,
  type ComponentId,
  type ComponentOutputs,
  type ReadPurpose,
} from '../component';
import type { PipelineContext } from '../context';
import { assertOwned, deleteIgnoringNotFound, logResource, orUndefinedWhenNotFound, ownedOrLeftAlone, ownershipConflict, tagList, tagMap } from '../ownership';
import { policyJson, samePolicy, type PolicyDocument } from '../policies';

/** What makes one IAM role of the pipeline: its name, when it is wanted, whom it trusts and what it may do. */
export interface ServiceRoleSpec {
  id: ComponentId;
  dependsOn?: readonly ComponentId[];
  roleName(ctx: PipelineContext): string;
  enabled(config: PipelineConfig, ctx: PipelineContext): boolean;
  /** Only called when enabled: it may rely on the config asking for the role. */
  trust(config: PipelineConfig, ctx: PipelineContext): PolicyDocument;
  /** Also called by inspect when the role is not wanted: it must not rely on the config asking for it. */
  policy(config: PipelineConfig, ctx: PipelineContext): PolicyDocument;
  description(ctx: PipelineContext): string;
  /** Output key for the role's ARN in the custom resource Data; none when omitted. */
  outputKey?: string;
  /** How inspect names the inline policy in its differences (default "inline policy"). */
  policyLabel?: string;
  /** Why inspect calls a role of ours unwanted under this config (default "not wanted by the config"). */
  unwantedReason?(config: PipelineConfig): string;
  /** Which permissions boundary bounds the role: the SIEM reader's, or (default) the delivery roles'. */
  boundary?: 'reader' | 'delivery';
}

/** What read found: the role (undefined: none) and its inline policy (undefined: not read; null: none). */
export interface RoleFound {
  role?: Role;
  policy?: string | null;
}

/** The role the config asks for: the one place its trust, policy and boundary are written. */
export interface RoleWanted {
  name: string;
  stackId: string;
  /** Why the config does not want the role; undefined when it does. */
  unwanted?: string;
  /** Undefined when unwanted: only a config that asks for the role says whom it trusts. */
  trust?: PolicyDocument;
  policy: PolicyDocument;
  policyLabel: string;
  /** Undefined in a read-only context, which knows no boundary (audit): then it is not compared. */
  boundary?: string;
}

/** IAM's not-found error (a role, user or policy). */
export const NO_SUCH_ENTITY = 'NoSuchEntity';

/** Why a role or user of ours is deleted and made again (logged, and the change's description). */
export const RECREATE = 're-creating: its permissions boundary is not the one the template sets now';

/** What one change does to the role. */
export type RoleAction = 'create' | 'recreate' | 'trust' | 'policy';

/**
 * An IAM role component from a spec: created under the pipeline's path with the permissions boundary and
 * our tags, its trust and inline policy converged on every run, deleted only when it carries our tag.
 * One implementation for every role, so the ownership and propagation rules cannot drift apart.
 */
export function serviceRoleComponent(spec: ServiceRoleSpec): Component {
  return defineComponent(
    { id: spec.id, dependsOn: spec.dependsOn ?? [], enabled: (config, ctx) => spec.enabled(config, ctx), remove: (_config, ctx) => removeRole(spec, ctx) },
    {
      read: (_config, ctx, purpose) => readRole(spec.roleName(ctx), ctx, purpose),
      desired: (config, ctx) => desiredRole(spec, config, ctx),
      diff: diffRole,
      apply: (changes, config, ctx, found) => applyRole(spec, changes, config, ctx, found),
      details: process.env.SIEM_LAMBDA_BUNDLE ? undefined : ({ role }) => ({ roleArn: role?.Arn }),
    },
  );
}

function desiredRole(spec: ServiceRoleSpec, config: PipelineConfig, ctx: PipelineContext): RoleWanted {
  const wanted = spec.enabled(config, ctx);
  const boundary = knownBoundary(() => boundaryOf(spec, ctx));
  return {
    name: spec.roleName(ctx),
    stackId: ctx.stackId,
    ...(wanted ? { trust: spec.trust(config, ctx) } : { unwanted: spec.unwantedReason?.(config) ?? NOT_WANTED }),
    policy: spec.policy(config, ctx),
    policyLabel: spec.policyLabel ?? 'inline policy',
    ...(boundary ? { boundary } : {}),
  };
}

/** The role and, unless for ensure (which puts the policy anyway), its inline policy. */
async function readRole(RoleName: string, ctx: PipelineContext, purpose: ReadPurpose): Promise<RoleFound> {
  const role = await getRole(RoleName, ctx);
  // The Lambda bundles only ensure (SIEM_LAMBDA_BUNDLE, see notInLambda): the rest is left out of them.
  if (process.env.SIEM_LAMBDA_BUNDLE || !role || purpose === 'ensure' || ownershipConflict('', tagMap(role.Tags), ctx)) return role ? { role } : {};
  const readPolicy = process.env.SIEM_LAMBDA_BUNDLE ? notInLambda : getRolePolicy;
  return { role, policy: (await readPolicy(RoleName, ctx)) ?? null };
}

/**
 * Pure: create when absent, conflict when not ours; re-create when its boundary is not ours (a boundary
 * cannot be changed by this role, by design); else converge the trust; and put the policy unread or changed.
 */
export function diffRole(found: RoleFound, want: RoleWanted): Change<RoleAction>[] {
  const resource = `IAM role ${want.name}`;
  const { role } = found;
  const changes: Change<RoleAction>[] = [];
  if (!role) {
    changes.push({ kind: 'create', resource, description: 'create', action: 'create' });
    // Not wanted: its absence is all there is to report (a plan drops a disabled component's creates); no policy to put.
    if (want.unwanted) return changes;
  } else {
    const conflict = ownershipConflict(resource, tagMap(role.Tags), want);
    if (conflict) return [{ kind: 'conflict', resource, description: conflict }];
    const boundary = role.PermissionsBoundary?.PermissionsBoundaryArn;
    if (want.boundary !== undefined && boundary !== want.boundary)
      changes.push(updateOf(resource, 'permissionsBoundary', boundary, want.boundary, RECREATE, 'recreate'));
    else if (want.unwanted) changes.push({ kind: 'delete', resource, description: want.unwanted });
    else if (!samePolicy(role.AssumeRolePolicyDocument, want.trust!)) {
      changes.push(updateOf(resource, 'trust', role.AssumeRolePolicyDocument, want.trust, 'trust policy changed', 'trust'));
    }
  }
  if (!role || found.policy === undefined || !samePolicy(found.policy ?? undefined, want.policy)) {
    changes.push(updateOf(resource, 'policy', found.policy, want.policy, `${want.policyLabel} missing or changed`, 'policy'));
  }
  return changes;
}

async function applyRole(
  spec: ServiceRoleSpec,
  changes: Change<RoleAction>[],
  config: PipelineConfig,
  ctx: PipelineContext,
  found: RoleFound,
): Promise<ComponentOutputs> {
  const { iam } = ctx.clients;
  const RoleName = spec.roleName(ctx);
  const what = `IAM role ${RoleName}`;
  const trust = spec.trust(config, ctx);
  const actions = new Set(changes.map((c) => c.action));
  let role = found.role;
  let fresh = false;
  if (actions.has('recreate')) {
    ctx.log.warn(RECREATE, { resource: what });
    await removeRole(spec, ctx);
  }
  if (actions.has('create') || actions.has('recreate')) {
    const made = await createRole(spec, trust, ctx);
    role = made.made;
    fresh = true;
    // A duplicate delivery made it first: converge it like any existing role.
    if (!made.created) {
      assertOwned(what, tagMap(role.Tags), ctx);
      if (!samePolicy(role.AssumeRolePolicyDocument, trust)) actions.add('trust');
    }
  }
  if (actions.has('trust')) {
    // IAM hands the document back URL-encoded: the diff compared parsed documents, so this is a real change.
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: policyJson(trust) }));
    ctx.log.info('trust policy updated', { resource: what });
  }
  if (actions.has('policy')) {
    const PolicyDocument = policyJson(spec.policy(config, ctx));
    const putPolicy = () => iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: ctx.names.policyName, PolicyDocument }));
    await afterIamPropagation(ctx, fresh)(putPolicy);
  }
  if (!role?.Arn) throw new Error(`${what} has no ARN`);
  return spec.outputKey ? { [spec.outputKey]: role.Arn } : {};
}

/** Creates the role; `created` is false when a duplicate delivery made it first (then it is converged like any existing role). */
async function createRole(spec: ServiceRoleSpec, trust: PolicyDocument, ctx: PipelineContext): Promise<{ made: Role; created: boolean }> {
  const RoleName = spec.roleName(ctx);
  const create = async () =>
    (
      await ctx.clients.iam.send(
        new CreateRoleCommand({
          RoleName,
          Path: ctx.names.iamPath,
          AssumeRolePolicyDocument: policyJson(trust),
          PermissionsBoundary: boundaryOf(spec, ctx),
          Description: spec.description(ctx),
          Tags: tagList(ctx.tags),
        }),
      )
    ).Role;
  return createIamEntity(`IAM role ${RoleName}`, ctx, create, () => getRole(RoleName, ctx));
}

/**
 * Creates an IAM role or user; after EntityAlreadyExists (a duplicate delivery made it first) reads it again.
 * `created` says which: the caller converges one it took over like any existing one.
 */
export async function createIamEntity<T>(
  what: string,
  ctx: Pick<PipelineContext, 'log'>,
  create: () => Promise<T | undefined>,
  get: () => Promise<T | undefined>,
): Promise<{ made: T; created: boolean }> {
  try {
    const made = await create();
    if (!made) throw new Error(`IAM returned no ${what}`);
    logResource(ctx, 'created', what);
    return { made, created: true };
  } catch (err) {
    if (!isAwsError(err, 'EntityAlreadyExists')) throw err;
    const again = await get();
    if (!again) throw err;
    logResource(ctx, 'already exists', what);
    return { made: again, created: false };
  }
}

/** Deletes the inline policy, then the role or user itself; each not-found is done. */
export async function deleteIamEntity(
  ctx: Pick<PipelineContext, 'log'>,
  what: string,
  deletePolicy: () => Promise<unknown>,
  deleteEntity: () => Promise<unknown>,
): Promise<void> {
  await deleteIgnoringNotFound(ctx, `${what} policy`, deletePolicy, [NO_SUCH_ENTITY]);
  await deleteIgnoringNotFound(ctx, what, deleteEntity, [NO_SUCH_ENTITY]);
}

/** Runs a call on a role or user; `fresh` (IAM has only just created it) retries NoSuchEntity until IAM shows it. */
export function afterIamPropagation(ctx: Pick<PipelineContext, 'propagationRetry' | 'clock'>, fresh: boolean): <T>(fn: () => Promise<T>) => Promise<T> {
  return (fn) => (fresh ? withRetries(fn, (err) => isAwsError(err, NO_SUCH_ENTITY), { ...ctx.propagationRetry, clock: ctx.clock }) : fn());
}

/** The permissions boundary `read` gives, or undefined where the context knows none (read-only: reading it throws). */
export function knownBoundary(read: () => string): string | undefined {
  try {
    return read() || undefined;
  } catch {
    // A read-only context throws on reading the boundary, so that nothing it drives can create a role or user.
    return undefined;
  }
}

function boundaryOf(spec: ServiceRoleSpec, ctx: PipelineContext): string {
  return spec.boundary === 'reader' ? ctx.readerBoundaryArn : ctx.permissionsBoundaryArn;
}

/** Removes by name whatever the config says now: a role switched off or renamed by an older config still goes. */
async function removeRole(spec: ServiceRoleSpec, ctx: PipelineContext): Promise<void> {
  const { iam } = ctx.clients;
  const RoleName = spec.roleName(ctx);
  const what = `IAM role ${RoleName}`;
  const role = await getRole(RoleName, ctx);
  if (!ownedOrLeftAlone(what, role && tagMap(role.Tags), ctx)) return;
  await deleteIamEntity(
    ctx,
    what,
    () => iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName: ctx.names.policyName })),
    () => iam.send(new DeleteRoleCommand({ RoleName })),
  );
}

async function getRole(RoleName: string, ctx: PipelineContext): Promise<Role | undefined> {
  return (await orUndefinedWhenNotFound(() => ctx.clients.iam.send(new GetRoleCommand({ RoleName })), NO_SUCH_ENTITY))?.Role;
}

async function getRolePolicy(RoleName: string, ctx: PipelineContext): Promise<string | undefined> {
  const get = () => ctx.clients.iam.send(new GetRolePolicyCommand({ RoleName, PolicyName: ctx.names.policyName }));
  return (await orUndefinedWhenNotFound(get, NO_SUCH_ENTITY))?.PolicyDocument;
}
