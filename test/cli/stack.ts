import { StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { DeleteSubscriptionFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { ListDetectorsCommand, UpdateDetectorCommand } from '@aws-sdk/client-guardduty';
import { STREAM_TARGET_ID } from '../../src/components/events/event-rule';
import { FAKE_CREDENTIALS, type FakeAccount } from '../fake/account';
import { instantRetries } from '../fake/sdk';
import { FakeClock } from '../fake/clock';
import { BOUNDARY_ARN, PROVISIONER_ROLE_ARN, READER_BOUNDARY_ARN, STACK_ID, type Harness } from '../lifecycle/harness';
import { bufferIo, DEPLOYED_PROPS, N, type Deployed } from '../unit/cli/helpers';
import { run, type CliDeps } from '../../src/cli/main';

/** The deployed pipeline's stack as CloudFormation shows it: its parameters (ExternalId NoEcho) and resources. */
export function putStack(fake: FakeAccount, status = 'CREATE_COMPLETE', stackId = STACK_ID): void {
  fake.cloudformation.setStack(stackId, status, {
    parameters: { ...DEPLOYED_PROPS, VpcSweepSchedule: 'rate(6 hours)' },
    noEcho: ['SiemExternalId'],
    outputs: { StreamName: N.streamName },
    resources: {
      PipelineBoundary: { type: 'AWS::IAM::ManagedPolicy', physicalId: BOUNDARY_ARN },
      ReaderBoundary: { type: 'AWS::IAM::ManagedPolicy', physicalId: READER_BOUNDARY_ARN },
      ProvisionerRole: { type: 'AWS::IAM::Role', physicalId: PROVISIONER_ROLE_ARN.split('/').pop()! },
    },
  });
}

/** A harness's account as `runOn` takes it, for tests that start from an account with no pipeline (or their own). */
export function onAccount(h: Harness): Pick<Deployed, 'harness' | 'fake' | 'clientOptions'> {
  return { harness: h, fake: h.fake, clientOptions: { credentials: FAKE_CREDENTIALS, retryStrategy: instantRetries(), decorate: h.fake.decorate } };
}

/** Runs the command against the deployed pipeline's fake account, on a fake clock; returns its exit code and output. */
export async function runOn(
  d: Pick<Deployed, 'harness' | 'clientOptions'>,
  argv: string[],
  ioOpts: { files?: Record<string, string>; tty?: boolean; answer?: boolean } & Pick<CliDeps, 'regionalClientOptions' | 'listRegions'> = {},
) {
  const io = Object.assign(bufferIo(ioOpts.files), ioOpts.tty ? { isTty: true, confirm: async () => ioOpts.answer === true } : {});
  const code = await run(argv, io, {
    clientOptions: d.clientOptions,
    env: { AWS_REGION: 'us-east-1' },
    clock: new FakeClock(d.harness.clock.now()),
    waits: { minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 1 },
    ...(ioOpts.regionalClientOptions ? { regionalClientOptions: ioOpts.regionalClientOptions } : {}),
    ...(ioOpts.listRegions ? { listRegions: ioOpts.listRegions } : {}),
  });
  return { code, out: io.out, err: io.err, all: io.all };
}

/** The gaps audit must find, each made behind the pipeline's back, with the component it names and the words. */
export const GAPS = [
  {
    gap: 'a VPC without flow log',
    component: 'flow-logs',
    says: /flow-logs: drifted: no flow log on vpc-/,
    plant: async (fake: FakeAccount) => void fake.ec2.seedVpcs(1),
  },
  {
    gap: 'a deleted subscription filter',
    component: 'flow-log-group',
    says: /flow-log-group: drifted: subscription filter missing/,
    plant: async (fake: FakeAccount) =>
      void (await fake.clients().logs.send(new DeleteSubscriptionFilterCommand({ logGroupName: N.flowLogGroup, filterName: N.subscriptionFilter }))),
  },
  {
    gap: 'a disabled detector',
    component: 'guardduty-detector',
    says: /guardduty-detector: drifted: detector is DISABLED/,
    plant: async (fake: FakeAccount) => {
      const gd = fake.clients().guardduty;
      const [DetectorId] = (await gd.send(new ListDetectorsCommand({}))).DetectorIds ?? [];
      await gd.send(new UpdateDetectorCommand({ DetectorId, Enable: false }));
    },
  },
  {
    gap: 'a stopped trail',
    component: 'trail',
    says: /trail: drifted: not logging/,
    plant: async (fake: FakeAccount) => void (await fake.clients().cloudtrail.send(new StopLoggingCommand({ Name: N.trailName }))),
  },
  {
    gap: 'a rule off the stream',
    component: 'guardduty-rule',
    says: /guardduty-rule: drifted: stream target missing/,
    plant: async (fake: FakeAccount) => void (await fake.clients().events.send(new RemoveTargetsCommand({ Rule: N.guardDutyRule, Ids: [STREAM_TARGET_ID] }))),
  },
] as const;

const CREDENTIAL_ENV = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
];

/**
 * Restores the credential environment after each test of the describe block; the returned function empties it
 * so the SDK's default chain finds nothing (no keys, a profile that does not exist, no instance role).
 */
export function credentialEnvGuard(): () => void {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const k of CREDENTIAL_ENV) saved[k] = process.env[k];
  });
  afterEach(() => {
    for (const k of CREDENTIAL_ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
  return () => {
    for (const k of CREDENTIAL_ENV) delete process.env[k];
    Object.assign(process.env, {
      AWS_PROFILE: 'no-such-profile',
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
  };
}
