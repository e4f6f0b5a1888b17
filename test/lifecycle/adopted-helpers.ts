import { gunzipSync } from 'node:zlib';
import { CreateLogGroupCommand, PutRetentionPolicyCommand, PutSubscriptionFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateFlowLogsCommand } from '@aws-sdk/client-ec2';
import { CreateDetectorCommand } from '@aws-sdk/client-guardduty';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { pipelineNames } from '../../src/config/names';
import type { FakeAccount } from '../fake/account';
import { activeStream, serviceRole } from '../fake/fixtures';
import { ACCOUNT, makeHarness, REGION, STACK_ID, type Harness } from './harness';
import { ALL_ON } from './sources-helpers';

/** The organization trail's group another team already subscribes (one of its two filter slots taken). */
export const ORG_GROUP = 'org/cloudtrail';
export const ORG_TRAIL = 'org-trail';
export const CORP_FLOW_GROUP = 'corp/flow-logs';

/** Every source on, reusing the organization trail's group, the detector removed with the stack when it is ours. */
export function adoptProps(name = 'demo', overrides: Record<string, string> = {}): Record<string, string> {
  return { ...ALL_ON, PipelineName: name, ExistingTrailLogGroup: ORG_GROUP, ...overrides };
}

export const idOf = (name: string): string => `siem-pipeline/${ACCOUNT}/${REGION}/${name}`;
export const namesOf = (name: string) => pipelineNames(name, REGION, ACCOUNT);

/** A call that the fake refuses once while a role made by the test propagates (as IAM does). */
async function afterPropagation<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch {
    return call();
  }
}

export interface Seeded extends Harness {
  vpcs: string[];
  detectorId: string;
}

/**
 * An account as a new user's: a detector (SIX_HOURS, tagged by its owner), an organization trail whose
 * group another consumer subscribes, VPCs of which some have someone else's flow logs, and a bucket.
 */
export async function seededAccount(opts: { detector?: boolean } = {}): Promise<Seeded> {
  const h = makeHarness({ fake: { rolePropagation: { describes: 1, ms: 60_000 } } });
  const { fake } = h;
  const clients = fake.clients();
  const vpcs = fake.ec2.seedVpcs(4);
  let detectorId = '';
  if (opts.detector !== false) {
    const d = await clients.guardduty.send(new CreateDetectorCommand({ Enable: true, FindingPublishingFrequency: 'SIX_HOURS', Tags: { team: 'security' } }));
    detectorId = d.DetectorId!;
  }
  await clients.logs.send(new CreateLogGroupCommand({ logGroupName: ORG_GROUP, tags: { team: 'security' } }));
  await clients.logs.send(new PutRetentionPolicyCommand({ logGroupName: ORG_GROUP, retentionInDays: 90 }));
  const archive = await activeStream(fake, 'org-archive');
  const writer = await serviceRole(fake, 'org-archive-writer', 'logs.amazonaws.com', ['kinesis:PutRecord'], archive);
  await afterPropagation(() =>
    clients.logs.send(
      new PutSubscriptionFilterCommand({ logGroupName: ORG_GROUP, filterName: 'org-archive', filterPattern: '', destinationArn: archive, roleArn: writer }),
    ),
  );
  fake.cloudtrail.seedTrail({
    name: ORG_TRAIL,
    multiRegion: true,
    bucket: 'corp-audit-logs',
    logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${ORG_GROUP}:*`,
  });
  await clients.s3.send(new CreateBucketCommand({ Bucket: 'corp-audit-logs' }));
  await clients.s3.send(new PutObjectCommand({ Bucket: 'corp-audit-logs', Key: 'AWSLogs/2026/01/01/log.json.gz', Body: 'x' }));
  await clients.logs.send(new CreateLogGroupCommand({ logGroupName: CORP_FLOW_GROUP }));
  const corpRole = await serviceRole(fake, 'corp-flow-logs', 'vpc-flow-logs.amazonaws.com', ['logs:CreateLogStream', 'logs:PutLogEvents'], '*');
  await afterPropagation(() =>
    clients.ec2.send(
      new CreateFlowLogsCommand({
        ResourceIds: vpcs.slice(0, 2),
        ResourceType: 'VPC',
        TrafficType: 'REJECT',
        LogGroupName: CORP_FLOW_GROUP,
        DeliverLogsPermissionArn: corpRole,
      }),
    ),
  );
  fake.resetCalls();
  return { ...h, vpcs, detectorId };
}

type Snap = {
  guardduty: { id: string; tags: Record<string, string> }[];
  logs: { name: string; filters: { name: string }[] }[];
  cloudtrail: { name: string }[];
  s3: { name: string }[];
  ec2: { vpcs: unknown[]; flowLogs: { destination: string }[] };
  iam: { roles: { path: string }[]; users: { path: string }[] };
  kinesis: { name: string; records: number }[];
};

/**
 * Everything in the account that is not the pipeline's: the detector, the organization trail, its group
 * (with its filters), other flow logs, VPCs, buckets, roles and streams, as plain data. Records delivered
 * to the other consumer's stream are not state and are left out.
 */
export function adoptedView(fake: FakeAccount): Record<string, unknown> {
  const s = fake.snapshot() as unknown as Snap;
  const ours = (name: string) => name.startsWith('siem-') || name.startsWith('/siem-pipeline/');
  return {
    detectors: s.guardduty,
    groups: s.logs.filter((g) => !ours(g.name)),
    trails: s.cloudtrail.filter((t) => !ours(t.name)),
    buckets: s.s3.filter((b) => !ours(b.name)),
    flowLogs: s.ec2.flowLogs.filter((f) => !ours(f.destination)),
    vpcs: s.ec2.vpcs,
    roles: s.iam.roles.filter((r) => r.path !== '/siem-pipeline/'),
    users: s.iam.users.filter((u) => u.path !== '/siem-pipeline/'),
    streams: s.kinesis.filter((k) => !ours(k.name)).map(({ records: _records, ...k }) => k),
  };
}

/**
 * What `adoptedView` shows while pipeline `name` is live on the seeded account: the detector set to the
 * asked frequency with the original recorded on it, and our filter on the organization group; nothing else.
 */
export function liveView(before: Record<string, unknown>, name: string, frequency = 'FIFTEEN_MINUTES'): Record<string, unknown> {
  const n = namesOf(name);
  const detectors = (before.detectors as { frequency: string; tags: Record<string, string> }[]).map((d) => ({
    ...d,
    frequency,
    tags: { ...d.tags, 'siem-pipeline:adopted-stack': STACK_ID, 'siem-pipeline:adopted-name': name, 'siem-pipeline:original-frequency': d.frequency },
  }));
  const groups = (before.groups as { name: string; filters: unknown[] }[]).map((g) =>
    g.name === ORG_GROUP
      ? { ...g, filters: [...g.filters, { name: n.subscriptionFilter, pattern: '', destinationArn: n.streamArn, roleArn: n.roleArn(n.logsRole) }] }
      : g,
  );
  return { ...before, detectors, groups };
}

const TRAIL_EVENT = { eventVersion: '1.09', eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', awsRegion: REGION };
const FLOW_OK = `2 ${ACCOUNT} eni-0a1b2c3d4e5f60718 10.0.1.5 10.0.2.9 44321 443 6 10 8400 1767225600 1767225660 ACCEPT OK`;
const EVENTS = [
  { source: 'aws.guardduty', 'detail-type': 'GuardDuty Finding', detail: { id: 'f0c1a2b3' } },
  { source: 'aws.securityhub', 'detail-type': 'Security Hub Findings - Imported', detail: {} },
  { source: 'aws.health', 'detail-type': 'AWS Health Event', detail: {} },
];

/**
 * Sends one record of every source (the trail, a VPC's flow log, GuardDuty and both extra sources) and
 * returns where each landed in pipeline `name`'s stream: `<log group>` for CloudWatch Logs deliveries,
 * `<source>` for events. The delivery roles are given a minute to propagate first, as after any Create.
 */
export function deliveredSources(h: Harness, name: string, vpc: string): string[] {
  h.clock.advance(60_000);
  const stream = namesOf(name).streamName;
  const from = h.fake.kinesis.records(stream).length;
  h.fake.cloudtrail.recordEvent(TRAIL_EVENT);
  h.fake.ec2.recordFlows(vpc, [FLOW_OK]);
  for (const e of EVENTS) h.fake.events.publish(e);
  return h.fake.kinesis
    .records(stream)
    .slice(from)
    .map((r) => {
      if (r.data[0] === 0x1f && r.data[1] === 0x8b) return (JSON.parse(gunzipSync(r.data).toString('utf8')) as { logGroup: string }).logGroup;
      return (JSON.parse(r.data.toString('utf8')) as { source: string }).source;
    });
}

/** What deliveredSources returns when pipeline `name` reusing the organization trail is whole. */
export function allSources(name: string): string[] {
  return [ORG_GROUP, namesOf(name).flowLogGroup, 'aws.guardduty', 'aws.securityhub', 'aws.health'];
}
