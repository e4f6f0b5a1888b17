import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { PIPELINE_NAME_PATTERN } from '../sources/core/parameters';

/** Partition, region and account of the stack, read from its StackId ARN. */
export interface StackIdentity {
  partition: string;
  region: string;
  account: string;
  stackId: string;
}

const STACK_ARN = /^arn:(aws[a-z-]*):cloudformation:([a-z0-9-]+):(\d{12}):stack\/.+$/;

export function stackIdentity(event: Pick<CloudFormationCustomResourceEvent, 'StackId'>): StackIdentity {
  const m = STACK_ARN.exec(event.StackId);
  if (!m) throw new Error(`StackId is not a CloudFormation stack ARN: ${event.StackId}`);
  return { partition: m[1], region: m[2], account: m[3], stackId: event.StackId };
}

const PREFIX = 'siem-pipeline';

/**
 * The PhysicalResourceId: deterministic and stable for a pipeline name in an account and region.
 * It changes only when PipelineName changes, which is a replacement.
 */
export function physicalResourceId(id: Pick<StackIdentity, 'account' | 'region'>, pipelineName: string): string {
  return `${PREFIX}/${id.account}/${id.region}/${pipelineName}`;
}

/** The id reported for a Create rejected before anything was made: its Delete has nothing to do. */
export function rejectedPhysicalId(event: Pick<CloudFormationCustomResourceEvent, 'LogicalResourceId'>): string {
  return `${PREFIX}/rejected/${event.LogicalResourceId}`;
}

/**
 * The pipeline name inside one of our physical ids, or undefined for anything else (including rejected ids
 * and names PipelineName could never have had, so Delete never fails on an id that is not ours).
 */
export function pipelineNameFromId(physicalId: string, id: Pick<StackIdentity, 'account' | 'region'>): string | undefined {
  const parts = physicalId.split('/');
  if (parts.length !== 4 || parts[0] !== PREFIX || parts[1] !== id.account || parts[2] !== id.region) return undefined;
  return PIPELINE_NAME_PATTERN.test(parts[3]) ? parts[3] : undefined;
}
