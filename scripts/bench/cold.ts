// Bench entry (run by cold.mjs through run-ts.mjs, one fresh node per run): a cold invocation of one built
// bundle, dist/<fn>/index.js, against the fake account: the bundle's `require`, then its first request through
// the factory the bundle exports (with the fake's middleware). The fake is built before the clock starts, and it
// loads the SDK packages, so `firstMs` excludes their load: `packages` names the ones the request needed, and
// cold.mjs measures their load in fresh processes.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { FAKE_CREDENTIALS, FakeAccount } from '../../test/fake/account';
import { instantRetries } from '../../test/fake/sdk';
import { BOUNDARY_ARN, makeHarness, props, STACK_ID as HARNESS_STACK_ID } from '../../test/lifecycle/harness';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/siem-bench/0b1c2d3e-4f50-11f0-8a9b-0c1d2e3f4a5b`;
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/siem-pipeline/siem-pipeline-boundary-${REGION}`;
/** Every source on, as the modeled Create. */
const PROPS = { PipelineName: 'bench', SiemAccess: 'IamUser', EnableCloudTrail: 'true', EnableFlowLogs: 'true', EnableGuardDuty: 'true' };

/** The npm package of each client key of src/aws/clients.ts. */
const PACKAGES: Record<string, string> = {
  kinesis: '@aws-sdk/client-kinesis',
  iam: '@aws-sdk/client-iam',
  secrets: '@aws-sdk/client-secrets-manager',
  logs: '@aws-sdk/client-cloudwatch-logs',
  cloudtrail: '@aws-sdk/client-cloudtrail',
  s3: '@aws-sdk/client-s3',
  ec2: '@aws-sdk/client-ec2',
  guardduty: '@aws-sdk/client-guardduty',
  events: '@aws-sdk/client-eventbridge',
  cloudformation: '@aws-sdk/client-cloudformation',
};

type Factory = (opts: Record<string, unknown>) => (event: unknown, context?: unknown) => Promise<unknown>;

async function main(): Promise<void> {
  const [fn, bundle] = process.argv.slice(2) as ['custom-resource' | 'vpc-enroller', string];
  // The enroller runs beside a deployed pipeline (its flow-log group and role exist): deployed here, untimed.
  const enrollerProps = props({ EnableFlowLogs: 'true' });
  const harness = fn === 'vpc-enroller' ? makeHarness() : undefined;
  if (harness && (await harness.simulateEvent('Create', enrollerProps)).Status !== 'SUCCESS')
    throw new Error('the pipeline for the enroller could not be created');
  const fake = harness?.fake ?? new FakeAccount({ account: ACCOUNT, region: REGION });
  fake.ec2.seedVpcs(8);
  // The request guard reads the stack's status: a Create arrives while it is CREATE_IN_PROGRESS.
  fake.cloudformation.setStack(STACK_ID, 'CREATE_IN_PROGRESS');
  fake.resetCalls();
  const common = {
    clientOptions: { credentials: FAKE_CREDENTIALS, retryStrategy: instantRetries(), decorate: fake.decorate },
    waits: { minDelay: 0.001, maxDelay: 0.005, maxWaitTime: 5 },
    propagationRetry: { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 10 },
    log: {
      debug() {},
      info() {},
      warn() {},
      error() {},
      child() {
        return this;
      },
    },
  };
  let status = 'SUCCESS';

  const t0 = performance.now();
  const mod = createRequire(__filename)(bundle) as Record<string, Factory>;
  const t1 = performance.now();
  if (fn === 'custom-resource') {
    const handler = mod.createCustomResourceHandler({
      ...common,
      env: {
        PERMISSIONS_BOUNDARY_ARN: BOUNDARY,
        READER_BOUNDARY_ARN: `${BOUNDARY}-reader`,
        PROVISIONER_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/siem-bench-ProvisionerRole`,
        STACK_ID,
      },
      put: async (_url: string, body: string) => {
        status = (JSON.parse(body) as { Status: string }).Status;
      },
    });
    const event = {
      RequestType: 'Create',
      ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:siem-provisioner`,
      ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/bench',
      StackId: STACK_ID,
      RequestId: 'cold',
      LogicalResourceId: 'Pipeline',
      ResourceType: 'Custom::SiemPipeline',
      ResourceProperties: { ServiceToken: 'x', ...PROPS },
    } as CloudFormationCustomResourceEvent;
    await handler(event, { getRemainingTimeInMillis: () => 15 * 60_000 });
  } else {
    const handler = mod.createVpcEnrollerHandler({ ...common, env: { ...enrollerProps, STACK_ID: HARNESS_STACK_ID, PERMISSIONS_BOUNDARY_ARN: BOUNDARY_ARN } });
    await handler({ id: 'cold', source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });
  }
  const t2 = performance.now();
  const packages = [...new Set(fake.calls.map((c) => PACKAGES[c.service]).filter((p): p is string => p !== undefined))].sort();
  process.stdout.write(`${JSON.stringify({ fn, loadMs: t1 - t0, firstMs: t2 - t1, calls: fake.calls.length, status, packages })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
