/**
 * Every IAM policy document the pipeline writes, built from typed parts.
 *
 * One home for all of them so that least privilege can be reviewed (and unit-tested: no `*` action,
 * every resource scoped) in one place.
 */

export type PolicyEffect = 'Allow' | 'Deny';

/** `StringEquals: { 'sts:ExternalId': '...' }` and the like. */
export type PolicyCondition = Record<string, Record<string, string | string[]>>;

export interface PolicyPrincipal {
  AWS?: string | string[];
  Service?: string | string[];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: PolicyEffect;
  Action: string[];
  /** Identity policies name resources; trust policies name a Principal instead. */
  Resource?: string[];
  Principal?: PolicyPrincipal;
  Condition?: PolicyCondition;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** Stream-level read actions: the shard iterator API (GetRecords) and the listing a KCL consumer does. */
export const STREAM_READ_ACTIONS = [
  'kinesis:DescribeStream',
  'kinesis:DescribeStreamSummary',
  'kinesis:GetRecords',
  'kinesis:GetShardIterator',
  'kinesis:ListShards',
  'kinesis:ListStreamConsumers',
] as const;

/** Enhanced fan-out reads, authorized on the consumer ARN (`<stream ARN>/consumer/<name>:<ts>`), not the stream. */
export const CONSUMER_READ_ACTIONS = ['kinesis:DescribeStreamConsumer', 'kinesis:SubscribeToShard'] as const;

/**
 * What the SIEM may do: read this one stream, nothing else.
 * No RegisterStreamConsumer: enhanced fan-out consumers are registered by the stream owner, not the reader.
 */
export function streamReaderPolicy(streamArn: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ReadStream', Effect: 'Allow', Action: [...STREAM_READ_ACTIONS], Resource: [streamArn] },
      { Sid: 'ReadThroughConsumers', Effect: 'Allow', Action: [...CONSUMER_READ_ACTIONS], Resource: [`${streamArn}/consumer/*`] },
    ],
  };
}

export interface CrossAccountTrust {
  partition: string;
  /** The SIEM vendor's (or SOC's) 12-digit account. */
  trustedAccountId: string;
  /** Required on AssumeRole: guards against the confused deputy. A secret: never log it. */
  externalId: string;
}

/** Trust policy of the SIEM reader role: the given account may assume it, only with the ExternalId. */
export function crossAccountTrustPolicy(trust: CrossAccountTrust): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:${trust.partition}:iam::${trust.trustedAccountId}:root` },
        Action: ['sts:AssumeRole'],
        Condition: { StringEquals: { 'sts:ExternalId': trust.externalId } },
      },
    ],
  };
}

/** The JSON text IAM takes for a policy document. */
export function policyJson(doc: PolicyDocument): string {
  return JSON.stringify(doc);
}

/**
 * Parses a policy document as IAM returns it: GetRole, GetUserPolicy and GetRolePolicy give it
 * URL-encoded (RFC 3986), while other callers may hold plain JSON.
 */
export function parsePolicyText(text: string): unknown {
  const trimmed = text.trim();
  return JSON.parse(trimmed.startsWith('{') ? trimmed : decodeURIComponent(trimmed));
}

/**
 * True when the text IAM holds says the same as `doc`: key order and whitespace do not matter, and a
 * single-value list equals its lone value (IAM accepts both spellings).
 */
export function samePolicy(text: string | undefined, doc: PolicyDocument): boolean {
  if (text === undefined) return false;
  try {
    return canonical(parsePolicyText(text)) === canonical(doc);
  } catch {
    return false;
  }
}

function canonical(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalize);
    return items.length === 1 ? items[0] : items;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, normalize((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
