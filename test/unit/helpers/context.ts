import { createClients, type AwsClients, type ClientFactoryOptions } from '../../../src/aws/clients';
import type { Clock } from '../../../src/support/clock';
import { ownershipTags, partitionOf, pipelineNames } from '../../../src/config/names';
import { type PipelineConfig } from '../../../src/config/pipeline-config';
import { parseConfig } from '../../../src/sources/parse';
import { createLogger, type LogLevel } from '../../../src/support/log';
import type { PipelineContext, WaitSettings } from '../../../src/components/context';
import { instantRetries } from '../../fake/sdk';

/** A PipelineContext for unit tests: real SDK clients (aws-sdk-client-mock intercepts them), instant time. */

export const TEST_REGION = 'eu-west-1';
export const TEST_ACCOUNT = '123456789012';
export const TEST_PIPELINE = 'test';
export const TEST_STACK_ID = `arn:aws:cloudformation:${TEST_REGION}:${TEST_ACCOUNT}:stack/siem-test/0a1b2c3d-0000-1111-2222-333344445555`;
/** Another stack in the same account: what it made must never be adopted or deleted. */
export const OTHER_STACK_ID = `arn:aws:cloudformation:${TEST_REGION}:${TEST_ACCOUNT}:stack/someone-else/99999999-8888-7777-6666-555544443333`;
export const TEST_BOUNDARY_ARN = `arn:aws:iam::${TEST_ACCOUNT}:policy/siem-pipeline/siem-test-boundary`;
export const TEST_PROVISIONER_ROLE_ARN = `arn:aws:iam::${TEST_ACCOUNT}:role/siem-stack-ProvisionerRole-ABC123`;
export const TEST_READER_BOUNDARY_ARN = `arn:aws:iam::${TEST_ACCOUNT}:policy/siem-pipeline/siem-test-reader-boundary`;
/** Fake credentials so the SDK never looks for real ones. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDUNITTEST', secretAccessKey: 'unit-test-secret' };
/** SDK waiter settings small enough that a polling loop costs milliseconds. */
export const TINY_WAITS: WaitSettings = { minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 2 };

/** A clock whose sleep returns at once and only moves `now()` forward; `sleeps` records each delay. */
export interface InstantClock extends Clock {
  readonly sleeps: number[];
}

export function instantClock(start = 1_700_000_000_000): InstantClock {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

export interface TestContextOptions {
  pipelineName?: string;
  stackId?: string;
  region?: string;
  account?: string;
  waits?: WaitSettings;
  clock?: Clock;
  logLevel?: LogLevel;
  /** Prebuilt clients; otherwise createClients with fake credentials and instant SDK retries. */
  clients?: AwsClients;
  clientOptions?: Omit<ClientFactoryOptions, 'region'>;
}

export interface TestContext {
  ctx: PipelineContext;
  clock: Clock;
  /** Every log line written, raw JSON: scan these for secrets. */
  logLines: string[];
  /** The log lines parsed. */
  logs(): Record<string, unknown>[];
}

export function createTestContext(opts: TestContextOptions = {}): TestContext {
  const region = opts.region ?? TEST_REGION;
  const account = opts.account ?? TEST_ACCOUNT;
  const name = opts.pipelineName ?? TEST_PIPELINE;
  const stackId = opts.stackId ?? TEST_STACK_ID;
  const clock = opts.clock ?? instantClock();
  const logLines: string[] = [];
  const clients = opts.clients ?? createClients({ region, credentials: TEST_CREDENTIALS, retryStrategy: instantRetries(1), ...opts.clientOptions });
  const ctx: PipelineContext = {
    clients,
    account,
    region,
    partition: partitionOf(region),
    stackId,
    names: pipelineNames(name, region, account),
    tags: ownershipTags(name, stackId),
    permissionsBoundaryArn: TEST_BOUNDARY_ARN,
    readerBoundaryArn: TEST_READER_BOUNDARY_ARN,
    provisionerRoleArn: TEST_PROVISIONER_ROLE_ARN,
    log: createLogger({ level: opts.logLevel ?? 'debug', sink: (line) => logLines.push(line), context: { pipeline: name } }),
    clock,
    propagationRetry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 100, maxElapsedMs: 10_000, random: () => 0.5 },
    waits: opts.waits ?? TINY_WAITS,
  };
  return { ctx, clock, logLines, logs: () => logLines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** A parsed config for the test pipeline; `props` are CloudFormation-style string properties. */
export function testConfig(props: Record<string, string> = {}): PipelineConfig {
  return parseConfig({ PipelineName: TEST_PIPELINE, ...props });
}
