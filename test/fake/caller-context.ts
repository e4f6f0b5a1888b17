import type { RequestContext } from './iam-policy';

/** Where a service acts for us: which role it assumes or which resource policy it meets, and why. */
export type CallerId = 'logs->kinesis' | 'vpc-flow-logs->logs' | 'events->kinesis' | 'cloudtrail->logs' | 'cloudtrail->s3';

export type ContextKey = keyof RequestContext;

/** One service principal in one role, with the request-context keys its documentation says it sends. */
export interface Caller {
  principal: string;
  /** True when the service assumes a role of ours; false when it meets a resource policy (a bucket policy). */
  assumesRole: boolean;
  /** The keys the service puts into the request context; a key not listed here is never supplied. */
  keys: readonly ContextKey[];
  /** The AWS page documenting `keys` (also in test/fake/README.md). */
  doc: string;
}

/**
 * The documented request context of every service that acts for the pipeline. The fake supplies these keys and no
 * others, so a trust or resource policy conditioned on a key the caller does not send never matches, as in AWS.
 */
export const CALLERS: Readonly<Record<CallerId, Caller>> = {
  'logs->kinesis': {
    principal: 'logs.amazonaws.com',
    assumesRole: true,
    keys: ['aws:SourceArn', 'aws:SourceAccount'],
    doc: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Subscriptions-confused-deputy.html',
  },
  'vpc-flow-logs->logs': {
    principal: 'vpc-flow-logs.amazonaws.com',
    assumesRole: true,
    keys: ['aws:SourceArn', 'aws:SourceAccount'],
    doc: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html',
  },
  'events->kinesis': {
    principal: 'events.amazonaws.com',
    assumesRole: true,
    keys: ['aws:SourceArn', 'aws:SourceAccount'],
    doc: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html',
  },
  'cloudtrail->logs': {
    principal: 'cloudtrail.amazonaws.com',
    assumesRole: true,
    keys: [],
    doc: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html',
  },
  'cloudtrail->s3': {
    principal: 'cloudtrail.amazonaws.com',
    assumesRole: false,
    keys: ['aws:SourceArn', 'aws:SourceAccount'],
    doc: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html',
  },
};

/** What the calling service knows about itself: the ARN of its resource (trail, rule, flow log, log group) and its account. */
export interface SourceFacts {
  sourceArn: string;
  sourceAccount: string;
}

/** The request context `caller` sends: exactly its documented keys, filled from `facts`. */
export function contextOf(caller: CallerId, facts: SourceFacts): RequestContext {
  const values: Record<ContextKey, string> = { 'aws:SourceArn': facts.sourceArn, 'aws:SourceAccount': facts.sourceAccount };
  return Object.fromEntries(CALLERS[caller].keys.map((k) => [k, values[k]]));
}
