import { DescribeStackResourcesCommand, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { stackIdentity, type StackIdentity } from '../engine/stack-identity';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { pipelineNames } from '../config/names';
import { type PipelineConfig } from '../config/pipeline-config';
import { parseConfig } from '../sources/parse';
import { isAwsError } from '../support/errors';
import type { CliRequest } from './args';
import { parameterListProps } from './props';
import type { Session } from './session';
import { UsageError } from './usage';

/** The pipeline a command works on: its stack, properties and (from the stack) permissions boundaries. */
export interface PipelineTarget {
  identity: StackIdentity;
  config: PipelineConfig;
  /** Read from CloudFormation (--stack); undefined for --stack-id/--param. */
  stack?: Stack;
  /** Environment a writing context needs (repair): PERMISSIONS_BOUNDARY_ARN, READER_BOUNDARY_ARN, PROVISIONER_ROLE_ARN. */
  env: Record<string, string>;
  /** False when the NoEcho SiemExternalId could not be learnt (no --param, no live role): repair then refuses. */
  externalIdKnown: boolean;
}

/** Logical ids of the template whose physical ids a writing context needs, and the variable each fills. */
const STACK_RESOURCES: Record<string, string> = {
  PipelineBoundary: 'PERMISSIONS_BOUNDARY_ARN',
  ReaderBoundary: 'READER_BOUNDARY_ARN',
  ProvisionerRole: 'PROVISIONER_ROLE_ARN',
};

/** Reads one stack; undefined when CloudFormation says it does not exist. */
export async function describeStack(session: Session, region: string, stack: string): Promise<Stack | undefined> {
  try {
    const out = await session.clientsFor(region).cloudformation.send(new DescribeStacksCommand({ StackName: stack }));
    return out.Stacks?.[0];
  } catch (err) {
    if (isAwsError(err, 'ValidationError') && /does not exist/.test((err as Error).message)) return undefined;
    throw err;
  }
}

/**
 * The pipeline of the request: `--stack` reads the stack's parameters (the NoEcho SiemExternalId is not needed to
 * read, and --param values override); `--stack-id` takes the properties as given. `needsStack` refuses a
 * request without either.
 */
export async function resolveTarget(req: CliRequest, session: Session, region = session.region): Promise<PipelineTarget> {
  if (req.target.kind === 'offline') return { identity: req.target.identity, config: parseConfig(req.props), env: {}, externalIdKnown: true };
  if (req.target.kind === 'none') throw new UsageError(`${req.command} needs --stack NAME|ARN (or --stack-id ARN with --param/--props)`);
  const stack = await describeStack(session, region, req.target.stack);
  if (!stack?.StackId) {
    throw new UsageError(
      `--stack '${req.target.stack}' does not exist in ${region}; allowed values: a stack of this account and region (see --region), or --stack-id ARN with --param for a stack not yet created`,
    );
  }
  const props = { ...parameterListProps(stack.Parameters ?? [], () => new Error('unexpected DescribeStacks Parameters')), ...req.props };
  const identity = stackIdentity({ StackId: stack.StackId });
  let externalIdKnown = true;
  if (props.SiemAccess === 'CrossAccountRole' && !props.SiemExternalId) {
    const live = await liveExternalId(session, identity, props.PipelineName ?? '');
    externalIdKnown = live !== undefined;
    // Without a live role there is nothing to compare: a placeholder lets plan and audit read; repair refuses.
    props.SiemExternalId = live ?? PLACEHOLDER_EXTERNAL_ID;
    if (live !== undefined) session.addSecret(live);
  }
  return { identity, config: parseConfig(props), stack, env: await stackEnv(session, region, identity), externalIdKnown };
}

/** Stands in for the NoEcho ExternalId when the SIEM role that holds it does not exist. */
const PLACEHOLDER_EXTERNAL_ID = 'unknown-external-id';

/**
 * The NoEcho SiemExternalId is never needed to read: the SIEM role's trust policy holds it (its sts:ExternalId
 * condition). Undefined when the role is not there.
 */
async function liveExternalId(session: Session, identity: StackIdentity, pipelineName: string): Promise<string | undefined> {
  let document: string | undefined;
  try {
    const names = pipelineNames(pipelineName, identity.region, identity.account);
    document = (await session.clientsFor(identity.region).iam.send(new GetRoleCommand({ RoleName: names.siemRole }))).Role?.AssumeRolePolicyDocument;
  } catch (err) {
    if (isAwsError(err, 'NoSuchEntity', 'NoSuchEntityException')) return undefined;
    throw err;
  }
  const policy = JSON.parse(decodeURIComponent(document ?? '{}')) as { Statement?: { Condition?: { StringEquals?: Record<string, unknown> } }[] };
  const value = policy.Statement?.map((st) => st.Condition?.StringEquals?.['sts:ExternalId']).find((v) => typeof v === 'string');
  return typeof value === 'string' ? value : undefined;
}

/** The boundaries and provisioner role the stack created, as the provisioner's environment names them. */
async function stackEnv(session: Session, region: string, identity: StackIdentity): Promise<Record<string, string>> {
  const out = await session.clientsFor(region).cloudformation.send(new DescribeStackResourcesCommand({ StackName: identity.stackId }));
  const env: Record<string, string> = {};
  for (const r of out.StackResources ?? []) {
    const key = r.LogicalResourceId ? STACK_RESOURCES[r.LogicalResourceId] : undefined;
    if (!key || !r.PhysicalResourceId) continue;
    // A role's physical id is its name (the template gives it no path); a managed policy's is its ARN.
    env[key] =
      r.LogicalResourceId === 'ProvisionerRole' ? `arn:${identity.partition}:iam::${identity.account}:role/${r.PhysicalResourceId}` : r.PhysicalResourceId;
  }
  return env;
}
