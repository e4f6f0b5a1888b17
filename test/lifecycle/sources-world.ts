// Shared setup of the sources lifecycle suites (sources*.test.ts): the world, its views and sample events.
import { DescribeFlowLogsCommand, type FlowLog } from '@aws-sdk/client-ec2';
import type { FakeAccount } from '../fake/account';
import { makeHarness, REGION, STACK_ID, type Harness } from './harness';
import { ALL_ON, N, VPC_COUNT } from './sources-helpers';

export const OWNER_TAGS = { 'siem-pipeline:name': 'demo', 'siem-pipeline:stack': STACK_ID };
export const FLOW_PATTERN =
  '[version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log_status="OK"]';
export const OUR_FILTER = { name: N.subscriptionFilter, destinationArn: N.streamArn, roleArn: N.roleArn(N.logsRole) };
export const EXCLUDE = { 'siem-pipeline:exclude': 'true' };
export const REJECTED = 'siem-pipeline/rejected/Pipeline';

/**
 * A harness whose account holds VPC_COUNT VPCs before the Create. A new role is refused on its first use, as
 * before (IAM propagation), or until a minute has passed: a test that lets the clock run sees it usable.
 */
export function world(): Harness & { vpcs: string[] } {
  const h = makeHarness({ fake: { rolePropagation: { describes: 1, ms: 60_000 } } });
  return { ...h, vpcs: h.fake.ec2.seedVpcs(VPC_COUNT) };
}

export function on(overrides: Record<string, string> = {}): Record<string, string> {
  return { ...ALL_ON, ...overrides };
}

export interface GroupView {
  name: string;
  retentionInDays?: number;
  tags: Record<string, string>;
  filters: { name: string; pattern: string; destinationArn: string; roleArn?: string }[];
}
export function groups(fake: FakeAccount): GroupView[] {
  return fake.snapshot().logs as GroupView[];
}
export function group(fake: FakeAccount, name: string): GroupView | undefined {
  return groups(fake).find((g) => g.name === name);
}

/** Every flow log of the account, as DescribeFlowLogs pages them (reads only). */
export async function allFlowLogs(fake: FakeAccount): Promise<FlowLog[]> {
  const { ec2 } = fake.clients();
  const found: FlowLog[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeFlowLogsCommand({ ...(NextToken ? { NextToken } : {}) }));
    found.push(...(page.FlowLogs ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return found;
}

/** Our flow logs by VPC: those in our log group. */
export async function ourFlowLogs(fake: FakeAccount): Promise<Map<string, FlowLog[]>> {
  const byVpc = new Map<string, FlowLog[]>();
  for (const fl of (await allFlowLogs(fake)).filter((f) => f.LogGroupName === N.flowLogGroup)) {
    byVpc.set(fl.ResourceId!, [...(byVpc.get(fl.ResourceId!) ?? []), fl]);
  }
  return byVpc;
}

/** A call whose first attempt is refused while a role made by the test propagates in the fake (as in AWS). */
export async function onceRoleHasPropagated<T>(call: () => Promise<T>): Promise<T> {
  await expect(call()).rejects.toThrow(/Could not deliver test message|Unable to assume given IAM role/);
  return call();
}

export const GUARDDUTY_FINDING = {
  source: 'aws.guardduty',
  'detail-type': 'GuardDuty Finding',
  detail: { schemaVersion: '2.0', id: 'f0c1a2b3', type: 'Recon:EC2/PortProbeUnprotectedPort', severity: 2 },
};
export const SECURITYHUB_EVENT = { source: 'aws.securityhub', 'detail-type': 'Security Hub Findings - Imported', detail: { findings: [{ Id: 'sh-1' }] } };
export const HEALTH_EVENT = { source: 'aws.health', 'detail-type': 'AWS Health Event', detail: { eventTypeCode: 'AWS_EC2_OPERATIONAL_ISSUE' } };
export const TRAIL_EVENT = { eventVersion: '1.09', eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', awsRegion: REGION };
