import { gunzipSync } from 'node:zlib';
import type { ServiceKey } from '../../src/aws/clients';
import { pipelineNames } from '../../src/config/names';
import type { FakeAccount, FakeCall } from '../fake/account';
import { ACCOUNT, REGION } from './harness';

/** The deterministic names of the `demo` pipeline in the harness account and region. */
export const N = pipelineNames('demo', REGION, ACCOUNT);
export const ID = `siem-pipeline/${ACCOUNT}/${REGION}/demo`;
export const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/${N.trailName}`;

/** VPCs seeded before a Create: well above the fake's EC2 page size of 5, so every listing pages. */
export const VPC_COUNT = 12;

/**
 * Every source on: our own trail, flow logs, a GuardDuty detector we create (and delete with the stack, so
 * a Delete leaves nothing of ours), and two extra EventBridge sources.
 */
export const ALL_ON: Record<string, string> = {
  PipelineName: 'demo',
  EnableCloudTrail: 'true',
  EnableFlowLogs: 'true',
  EnableGuardDuty: 'true',
  GuardDutyOnDelete: 'Delete',
  ExtraEventSources: 'aws.securityhub,aws.health',
};

/** A NODATA record (no traffic in the interval) and an OK record, in the AWS default (v2) format. */
export const FLOW_NODATA = `2 ${ACCOUNT} eni-0a1b2c3d4e5f60718 - - - - - - - 1767225600 1767225660 - NODATA`;
export const FLOW_SKIPDATA = `2 ${ACCOUNT} eni-0a1b2c3d4e5f60718 - - - - - - - 1767225600 1767225660 - SKIPDATA`;
export const FLOW_OK = `2 ${ACCOUNT} eni-0a1b2c3d4e5f60718 10.0.1.5 10.0.2.9 44321 443 6 10 8400 1767225600 1767225660 ACCEPT OK`;

/** One record read back from the stream: gzip JSON for CloudWatch Logs deliveries, raw JSON for EventBridge. */
export type StreamRecord = { kind: 'cwl'; body: CwlDelivery } | { kind: 'event'; body: Record<string, unknown> };

export interface CwlDelivery {
  messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: { id: string; timestamp: number; message: string }[];
}

/** The stream's records from position `from` on, decoded the way the SIEM decodes them. */
export function streamRecords(fake: FakeAccount, from = 0): StreamRecord[] {
  return fake.kinesis
    .records(N.streamName)
    .slice(from)
    .map((r) => {
      // gzip starts with 0x1f 0x8b; EventBridge puts the event JSON as it is.
      if (r.data[0] === 0x1f && r.data[1] === 0x8b) return { kind: 'cwl', body: JSON.parse(gunzipSync(r.data).toString('utf8')) as CwlDelivery };
      return { kind: 'event', body: JSON.parse(r.data.toString('utf8')) as Record<string, unknown> };
    });
}

/** Records of CloudWatch Logs data (not the test messages filters send when they are created). */
export function dataRecords(fake: FakeAccount, from = 0): StreamRecord[] {
  return streamRecords(fake, from).filter((r) => r.kind === 'event' || r.body.messageType === 'DATA_MESSAGE');
}

/**
 * The account's state as a flat map from a stable key (service/type/name) to the resource's settings, with
 * what AWS generates (flow log and detector ids, record counts) left out: two inventories compare equal when
 * the same resources exist with the same settings, so an Update that "changes nothing else" is checkable.
 */
export function inventory(fake: FakeAccount): Record<string, unknown> {
  const snap = fake.snapshot() as {
    kinesis: { name: string; records: number }[];
    iam: { users: { name: string }[]; roles: { name: string }[] };
    secrets: { name: string }[];
    logs: { name: string; filters: { name: string }[] }[];
    s3: { name: string }[];
    cloudtrail: { name: string }[];
    ec2: { vpcs: { id: string }[]; flowLogs: { id: string; resourceId: string; destination: string; trafficType: string }[] };
    guardduty: { id: string; tags: Record<string, string> }[];
    events: { name: string }[];
  };
  const out: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => {
    if (key in out) throw new Error(`inventory: duplicate key ${key}`);
    out[key] = value;
  };
  for (const { records: _records, ...s } of snap.kinesis) put(`kinesis/stream/${s.name}`, s);
  for (const u of snap.iam.users) put(`iam/user/${u.name}`, u);
  for (const r of snap.iam.roles) put(`iam/role/${r.name}`, r);
  for (const s of snap.secrets) put(`secrets/secret/${s.name}`, s);
  for (const { filters, ...g } of snap.logs) {
    put(`logs/group/${g.name}`, g);
    for (const f of filters) put(`logs/filter/${g.name}|${f.name}`, f);
  }
  for (const b of snap.s3) put(`s3/bucket/${b.name}`, b);
  for (const t of snap.cloudtrail) put(`cloudtrail/trail/${t.name}`, t);
  for (const v of snap.ec2.vpcs) put(`ec2/vpc/${v.id}`, v);
  for (const { id: _id, ...f } of snap.ec2.flowLogs) put(`ec2/flow-log/${f.resourceId}|${f.destination}|${f.trafficType}`, f);
  for (const { id: _id, ...d } of snap.guardduty) put(`guardduty/detector/${Object.keys(d.tags).length > 0 ? 'tagged' : 'untagged'}`, d);
  for (const r of snap.events) put(`events/rule/${r.name}`, r);
  return out;
}

/** `inv` without the keys that match any of `patterns`. */
export function without(inv: Record<string, unknown>, patterns: readonly RegExp[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(inv).filter(([k]) => !patterns.some((p) => p.test(k))));
}

/** Escapes a literal for use in a RegExp. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const ROLE_STEPS: Record<string, string> = {
  [N.logsRole]: 'logs-role',
  [N.eventsRole]: 'events-role',
  [N.flowLogsRole]: 'flowlogs-role',
  [N.trailRole]: 'trail-role',
  [N.siemRole]: 'siem-role',
};

/**
 * The pipeline step (component id) that made a call, read from what the call names: the role, log group
 * or rule it is about. Services only one component calls map directly.
 */
export function stepOf(call: FakeCall): string {
  const input = call.input;
  const byService: Partial<Record<ServiceKey, string>> = {
    kinesis: 'stream',
    secrets: 'siem-user',
    s3: 'trail-bucket',
    cloudtrail: 'trail',
    ec2: 'flow-logs',
    guardduty: 'guardduty-detector',
  };
  if (byService[call.service]) return byService[call.service]!;
  if (call.service === 'iam') {
    if (typeof input.UserName === 'string') return 'siem-user';
    return ROLE_STEPS[String(input.RoleName)] ?? `(no step owns IAM role ${String(input.RoleName)})`;
  }
  if (call.service === 'logs') {
    const group = String(input.logGroupName ?? /:log-group:([^:]+)/.exec(String(input.resourceArn))?.[1]);
    if (group === N.cloudTrailLogGroup) return 'trail-log-group';
    // The flow-logs step records its settings on the flow-log group (the enroller's source of truth).
    const settings = call.command === 'TagResource' && 'siem-pipeline:flow-log-settings' in ((input.tags as Record<string, string> | undefined) ?? {});
    if (group === N.flowLogGroup) return settings ? 'flow-logs' : 'flow-log-group';
    return `(no step owns log group ${group})`;
  }
  if (call.service === 'events') {
    const rule = String(input.Name ?? input.Rule ?? /:rule\/(.+)$/.exec(String(input.ResourceARN))?.[1] ?? '');
    if (rule === N.guardDutyRule) return 'guardduty-rule';
    if (call.command === 'ListRules' || rule.startsWith(N.sourceRulePrefix)) return 'event-sources';
    return `(no step owns rule ${rule})`;
  }
  return `(no step calls ${call.service})`;
}
