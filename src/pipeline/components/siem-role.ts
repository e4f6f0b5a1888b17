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
import type { Component, ComponentOutputs, ComponentStatus } from '../component';
import type { PipelineContext } from '../context';
import { assertOwned, deleteIgnoringNotFound, ownedOrLeftAlone, tagList, tagMap } from '../ownership';
import { crossAccountTrustPolicy, policyJson, samePolicy, streamReaderPolicy, type PolicyDocument } from '../policies';

/**
 * SIEM read access by role: an account the SIEM runs in assumes this role with an ExternalId and may
 * only read the stream. No long-lived key exists. The ExternalId is never logged.
 */
export const siemRoleComponent: Component = {
  id: 'siem-role',
  dependsOn: [],
  enabled: (config) => config.siemAccess.kind === 'CrossAccountRole',
  ensure: ensureSiemRole,
  remove: removeSiemRole,
  inspect: inspectSiemRole,
};

function trustPolicy(config: PipelineConfig, ctx: PipelineContext): PolicyDocument {
  if (config.siemAccess.kind !== 'CrossAccountRole') throw new Error('siem-role needs SiemAccess CrossAccountRole');
  const { trustedAccountId, externalId } = config.siemAccess;
  return crossAccountTrustPolicy({ partition: ctx.partition, trustedAccountId, externalId });
}

async function ensureSiemRole(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentOutputs> {
  const { iam } = ctx.clients;
  const RoleName = ctx.names.siemRole;
  const what = `IAM role ${RoleName}`;
  const trust = trustPolicy(config, ctx);
  const existing = await getRole(ctx);
  const { role, created, fresh } = existing ? { role: existing, created: false, fresh: false } : await createRole(trust, ctx);
  if (!created) {
    assertOwned(what, tagMap(role.Tags), ctx);
    // IAM hands the document back URL-encoded: compare parsed documents, and write only on a real change.
    if (!samePolicy(role.AssumeRolePolicyDocument, trust)) {
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: policyJson(trust) }));
      ctx.log.info('trust policy updated', { resource: what });
    }
  }
  const putPolicy = () =>
    iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: ctx.names.policyName, PolicyDocument: policyJson(streamReaderPolicy(ctx.names.streamArn)) }));
  // A role IAM has only just created may not be visible to the next call yet.
  await (fresh ? withRetries(putPolicy, (err) => isAwsError(err, 'NoSuchEntity'), { ...ctx.propagationRetry, clock: ctx.clock }) : putPolicy());
  if (!role.Arn) throw new Error(`${what} has no ARN`);
  return { ReaderRoleArn: role.Arn };
}

/** Creates the role; `created` is false when a duplicate delivery made it first (then it is converged like any existing role). */
async function createRole(trust: PolicyDocument, ctx: PipelineContext): Promise<{ role: Role; created: boolean; fresh: true }> {
  const what = `IAM role ${ctx.names.siemRole}`;
  try {
    const out = await ctx.clients.iam.send(
      new CreateRoleCommand({
        RoleName: ctx.names.siemRole,
        Path: ctx.names.iamPath,
        AssumeRolePolicyDocument: policyJson(trust),
        PermissionsBoundary: ctx.permissionsBoundaryArn,
        Description: `SIEM read access to Kinesis stream ${ctx.names.streamName}`,
        Tags: tagList(ctx.tags),
      }),
    );
    if (!out.Role) throw new Error('CreateRole returned no role');
    ctx.log.info('created', { resource: what });
    return { role: out.Role, created: true, fresh: true };
  } catch (err) {
    if (!isAwsError(err, 'EntityAlreadyExists')) throw err;
    const again = await getRole(ctx);
    if (!again) throw err;
    ctx.log.info('already exists', { resource: what });
    return { role: again, created: false, fresh: true };
  }
}

async function removeSiemRole(_config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  const { iam } = ctx.clients;
  const RoleName = ctx.names.siemRole;
  const what = `IAM role ${RoleName}`;
  const role = await getRole(ctx);
  if (!role) {
    ctx.log.info('already gone', { resource: what });
    return;
  }
  if (!ownedOrLeftAlone(what, tagMap(role.Tags), ctx)) return;
  await deleteIgnoringNotFound(ctx, `${what} policy`, () => iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName: ctx.names.policyName })), ['NoSuchEntity']);
  await deleteIgnoringNotFound(ctx, what, () => iam.send(new DeleteRoleCommand({ RoleName })), ['NoSuchEntity']);
}

async function inspectSiemRole(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentStatus> {
  const role = await getRole(ctx);
  if (!role) return { state: 'absent' };
  try {
    assertOwned(`IAM role ${ctx.names.siemRole}`, tagMap(role.Tags), ctx);
  } catch (err) {
    return { state: 'absent', details: { conflict: (err as Error).message } };
  }
  const differences: string[] = [];
  if (config.siemAccess.kind !== 'CrossAccountRole') differences.push(`not wanted: SiemAccess is ${config.siemAccess.kind}`);
  else if (!samePolicy(role.AssumeRolePolicyDocument, trustPolicy(config, ctx))) differences.push('trust policy changed');
  if (!samePolicy(await getRolePolicy(ctx), streamReaderPolicy(ctx.names.streamArn))) differences.push('reader policy missing or changed');
  const details = { roleArn: role.Arn };
  return differences.length > 0 ? { state: 'drifted', details: { ...details, differences } } : { state: 'present', details };
}

async function getRole(ctx: PipelineContext): Promise<Role | undefined> {
  try {
    return (await ctx.clients.iam.send(new GetRoleCommand({ RoleName: ctx.names.siemRole }))).Role;
  } catch (err) {
    if (isAwsError(err, 'NoSuchEntity')) return undefined;
    throw err;
  }
}

async function getRolePolicy(ctx: PipelineContext): Promise<string | undefined> {
  try {
    const out = await ctx.clients.iam.send(new GetRolePolicyCommand({ RoleName: ctx.names.siemRole, PolicyName: ctx.names.policyName }));
    return out.PolicyDocument;
  } catch (err) {
    if (isAwsError(err, 'NoSuchEntity')) return undefined;
    throw err;
  }
}
