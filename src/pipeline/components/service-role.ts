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
import { isAwsError } from '../../errors';
import type { Component, ComponentId, ComponentOutputs, ComponentStatus } from '../component';
import type { PipelineContext } from '../context';
import { assertOwned, deleteIgnoringNotFound, orUndefinedWhenNotFound, ownedOrLeftAlone, tagList, tagMap } from '../ownership';
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

/**
 * An IAM role component from a spec: created under the pipeline's path with the permissions boundary and
 * our tags, its trust and inline policy converged on every run, deleted only when it carries our tag.
 * One implementation for every role, so the ownership and propagation rules cannot drift apart.
 */
export function serviceRoleComponent(spec: ServiceRoleSpec): Component {
  return {
    id: spec.id,
    dependsOn: spec.dependsOn ?? [],
    enabled: (config, ctx) => spec.enabled(config, ctx),
    ensure: (config, ctx) => ensureRole(spec, config, ctx),
    remove: (_config, ctx) => removeRole(spec, ctx),
    inspect: (config, ctx) => inspectRole(spec, config, ctx),
  };
}

async function ensureRole(spec: ServiceRoleSpec, config: PipelineConfig, ctx: PipelineContext): Promise<ComponentOutputs> {
  const { iam } = ctx.clients;
  const RoleName = spec.roleName(ctx);
  const what = `IAM role ${RoleName}`;
  const trust = spec.trust(config, ctx);
  let existing = await getRole(RoleName, ctx);
  if (existing && existing.PermissionsBoundary?.PermissionsBoundaryArn !== boundaryOf(spec, ctx)) {
    // A boundary cannot be changed by this role (by design): one of ours made with another boundary (an older
    // version's) is deleted and made again with the right one.
    assertOwned(what, tagMap(existing.Tags), ctx);
    ctx.log.warn('re-creating: its permissions boundary is not the one the template sets now', { resource: what });
    await removeRole(spec, ctx);
    existing = undefined;
  }
  const { role, created, fresh } = existing ? { role: existing, created: false, fresh: false } : await createRole(spec, trust, ctx);
  if (!created) {
    assertOwned(what, tagMap(role.Tags), ctx);
    // IAM hands the document back URL-encoded: compare parsed documents, and write only on a real change.
    if (!samePolicy(role.AssumeRolePolicyDocument, trust)) {
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: policyJson(trust) }));
      ctx.log.info('trust policy updated', { resource: what });
    }
  }
  const PolicyDocument = policyJson(spec.policy(config, ctx));
  const putPolicy = () => iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: ctx.names.policyName, PolicyDocument }));
  // A role IAM has only just created may not be visible to the next call yet.
  await (fresh ? withRetries(putPolicy, (err) => isAwsError(err, 'NoSuchEntity'), { ...ctx.propagationRetry, clock: ctx.clock }) : putPolicy());
  if (!role.Arn) throw new Error(`${what} has no ARN`);
  return spec.outputKey ? { [spec.outputKey]: role.Arn } : {};
}

/** Creates the role; `created` is false when a duplicate delivery made it first (then it is converged like any existing role). */
async function createRole(spec: ServiceRoleSpec, trust: PolicyDocument, ctx: PipelineContext): Promise<{ role: Role; created: boolean; fresh: true }> {
  const RoleName = spec.roleName(ctx);
  const what = `IAM role ${RoleName}`;
  try {
    const out = await ctx.clients.iam.send(
      new CreateRoleCommand({
        RoleName,
        Path: ctx.names.iamPath,
        AssumeRolePolicyDocument: policyJson(trust),
        PermissionsBoundary: boundaryOf(spec, ctx),
        Description: spec.description(ctx),
        Tags: tagList(ctx.tags),
      }),
    );
    if (!out.Role) throw new Error('CreateRole returned no role');
    ctx.log.info('created', { resource: what });
    return { role: out.Role, created: true, fresh: true };
  } catch (err) {
    if (!isAwsError(err, 'EntityAlreadyExists')) throw err;
    const again = await getRole(RoleName, ctx);
    if (!again) throw err;
    ctx.log.info('already exists', { resource: what });
    return { role: again, created: false, fresh: true };
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
  if (!role) {
    ctx.log.info('already gone', { resource: what });
    return;
  }
  if (!ownedOrLeftAlone(what, tagMap(role.Tags), ctx)) return;
  await deleteIgnoringNotFound(ctx, `${what} policy`, () => iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName: ctx.names.policyName })), ['NoSuchEntity']);
  await deleteIgnoringNotFound(ctx, what, () => iam.send(new DeleteRoleCommand({ RoleName })), ['NoSuchEntity']);
}

async function inspectRole(spec: ServiceRoleSpec, config: PipelineConfig, ctx: PipelineContext): Promise<ComponentStatus> {
  const RoleName = spec.roleName(ctx);
  const role = await getRole(RoleName, ctx);
  if (!role) return { state: 'absent' };
  try {
    assertOwned(`IAM role ${RoleName}`, tagMap(role.Tags), ctx);
  } catch (err) {
    return { state: 'absent', details: { conflict: (err as Error).message } };
  }
  const differences: string[] = [];
  const wanted = spec.enabled(config, ctx);
  if (!wanted) differences.push(spec.unwantedReason?.(config) ?? 'not wanted by the config');
  else if (!samePolicy(role.AssumeRolePolicyDocument, spec.trust(config, ctx))) differences.push('trust policy changed');
  if (!samePolicy(await getRolePolicy(RoleName, ctx), spec.policy(config, ctx))) differences.push(`${spec.policyLabel ?? 'inline policy'} missing or changed`);
  const details = { roleArn: role.Arn };
  return differences.length > 0 ? { state: 'drifted', details: { ...details, differences } } : { state: 'present', details };
}

async function getRole(RoleName: string, ctx: PipelineContext): Promise<Role | undefined> {
  return (await orUndefinedWhenNotFound(() => ctx.clients.iam.send(new GetRoleCommand({ RoleName })), 'NoSuchEntity'))?.Role;
}

async function getRolePolicy(RoleName: string, ctx: PipelineContext): Promise<string | undefined> {
  const get = () => ctx.clients.iam.send(new GetRolePolicyCommand({ RoleName, PolicyName: ctx.names.policyName }));
  return (await orUndefinedWhenNotFound(get, 'NoSuchEntity'))?.PolicyDocument;
}
