import { DescribeFlowLogsCommand, DeleteFlowLogsCommand } from '@aws-sdk/client-ec2';
import { DeleteRuleCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { stackIdentity } from '../../../src/engine/stack-identity';
import { pipelineNames } from '../../../src/config/names';
import { type PipelineConfig } from '../../../src/config/pipeline-config';
import { parseConfig } from '../../../src/sources/parse';
import { buildContext } from '../../../src/engine/context-from-env';
import { createLogger } from '../../../src/support/log';
import type { PipelineContext } from '../../../src/components/context';
import { STREAM_TARGET_ID } from '../../../src/components/events/event-rule';
import { FAKE_CREDENTIALS, type FakeAccount } from '../../fake/account';
import { ACCOUNT, makeHarness, REGION, STACK_ID, type Harness } from '../../lifecycle/harness';
import { instantRetries } from '../../fake/sdk';

/** The SIEM account's ExternalId: it must never appear in anything the audit prints. */
export const EXTERNAL_ID = 'ext-Secret-4d7c9a1f';

/** Every source on, and SIEM access by cross-account role, so the ExternalId is part of the config. */
export const DEPLOYED_PROPS: Record<string, string> = {
  PipelineName: 'demo',
  EnableCloudTrail: 'true',
  EnableFlowLogs: 'true',
  EnableGuardDuty: 'true',
  ExtraEventSources: 'aws.securityhub',
  SiemAccess: 'CrossAccountRole',
  SiemAccountId: '210987654321',
  SiemExternalId: EXTERNAL_ID,
};

export const N = pipelineNames('demo', REGION, ACCOUNT);

/** The --param flags that give DEPLOYED_PROPS to the command. */
export const PARAM_FLAGS = Object.entries(DEPLOYED_PROPS).flatMap(([k, v]) => ['--param', `${k}=${v}`]);

export interface Deployed {
  harness: Harness;
  fake: FakeAccount;
  config: PipelineConfig;
  /** A read-only context as the command builds it (no permissions boundary), on the fake account. */
  ctx(config?: PipelineConfig): PipelineContext;
  /** Client options that point the command's clients at the fake account. */
  clientOptions: { credentials: typeof FAKE_CREDENTIALS; retryStrategy: ReturnType<typeof instantRetries>; decorate: FakeAccount['decorate'] };
}

/** A pipeline made by the real custom resource handler (Create) in a fresh fake account with three VPCs. */
export async function deployPipeline(): Promise<Deployed> {
  const harness = makeHarness();
  harness.fake.ec2.seedVpcs(3);
  const response = await harness.simulateEvent('Create', DEPLOYED_PROPS);
  if (response.Status !== 'SUCCESS') throw new Error(`Create failed: ${response.Reason}`);
  const config = parseConfig(DEPLOYED_PROPS);
  const clients = harness.fake.clients();
  const log = createLogger({ level: 'warn', sink: (line) => harness.logs.push(line) });
  return {
    harness,
    fake: harness.fake,
    config,
    ctx: (c = config) => buildContext({ env: {}, readOnly: true }, clients, c, stackIdentity({ StackId: STACK_ID }), log),
    clientOptions: { credentials: FAKE_CREDENTIALS, retryStrategy: instantRetries(), decorate: harness.fake.decorate },
  };
}

/** Changes made behind the pipeline's back, as someone with console access would make them. */
export const tamper = {
  /** Deletes the flow log of one VPC; returns that VPC's id. */
  async deleteOneFlowLog(fake: FakeAccount): Promise<string> {
    const ec2 = fake.clients().ec2;
    const out = await ec2.send(new DescribeFlowLogsCommand({ Filter: [{ Name: 'log-group-name', Values: [N.flowLogGroup] }] }));
    const victim = out.FlowLogs?.[0];
    if (!victim?.FlowLogId || !victim.ResourceId) throw new Error('no flow log to delete');
    await ec2.send(new DeleteFlowLogsCommand({ FlowLogIds: [victim.FlowLogId] }));
    return victim.ResourceId;
  },
  async setFlowLogRetention(fake: FakeAccount, days: number): Promise<void> {
    await fake.clients().logs.send(new PutRetentionPolicyCommand({ logGroupName: N.flowLogGroup, retentionInDays: days }));
  },
  async deleteGuardDutyRule(fake: FakeAccount): Promise<void> {
    const events = fake.clients().events;
    await events.send(new RemoveTargetsCommand({ Rule: N.guardDutyRule, Ids: [STREAM_TARGET_ID] }));
    await events.send(new DeleteRuleCommand({ Name: N.guardDutyRule }));
  },
};

/** Captures what a command run prints. */
export function bufferIo(files: Record<string, string> = {}) {
  const io = {
    out: '',
    err: '',
    /** stdout and stderr as a terminal shows them, interleaved. */
    all: '',
    stdout: (text: string) => {
      io.out += text;
      io.all += text;
    },
    stderr: (text: string) => {
      io.err += text;
      io.all += text;
    },
    readFile: async (path: string) => {
      if (!Object.hasOwn(files, path)) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
      return files[path];
    },
  };
  return io;
}
