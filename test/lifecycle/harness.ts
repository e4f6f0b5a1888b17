import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { REQUEST_STATUSES } from '../../src/handlers/cfn/request-guard';
import type { CfnResponse } from '../../src/handlers/cfn/response';
import { stackIdentity } from '../../src/engine/stack-identity';
import { type PipelineConfig } from '../../src/config/pipeline-config';
import { parseConfig } from '../../src/sources/parse';
import { buildContext } from '../../src/engine/context-from-env';
import { createCustomResourceHandler } from '../../src/handlers/custom-resource';
import { createLogger } from '../../src/support/log';
import { FAKE_CREDENTIALS, FakeAccount, type FakeAccountOptions } from '../fake/account';
import { FakeClock } from '../fake/clock';
import type { PipelineContext } from '../../src/components/context';
import { instantRetries } from '../fake/sdk';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/siem/6a0f1c30-4b1e-11f0-9a2b-0e3c5d7f9a11`;
export const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/siem-pipeline/siem-pipeline-boundary-${REGION}`;
export const PROVISIONER_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/siem-ProvisionerRole-1A2B3C4D5E6F`;
export const READER_BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/siem-pipeline/siem-pipeline-reader-boundary-${REGION}`;
const SIGNATURE = '5d2c6b0e0f1a4b8c9d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c';
/** A pre-signed URL as CloudFormation sends it: a credential that must never reach a log line. */
export const RESPONSE_URL =
  'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/' +
  `arn%3Aaws%3Acloudformation%3A${REGION}%3A${ACCOUNT}%3Astack/siem/6a0f1c30%7CPipeline%7Cc0ffee-lifecycle` +
  '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Expires=7199' +
  `&X-Amz-Credential=AKIAIOSFODNN7RESPONSE%2F20260101%2F${REGION}%2Fs3%2Faws4_request&X-Amz-Signature=${SIGNATURE}`;
export const RESPONSE_URL_SECRETS = [RESPONSE_URL, SIGNATURE, 'c0ffee-lifecycle'];

/** Sources of issue 3 are switched off: this suite covers the stream and SIEM access. */
export const BASE_PROPS: Record<string, string> = {
  PipelineName: 'demo',
  EnableCloudTrail: 'false',
  EnableFlowLogs: 'false',
  EnableGuardDuty: 'false',
};

type Props = Record<string, string>;
export type RequestType = CloudFormationCustomResourceEvent['RequestType'];

export interface HarnessOptions {
  fake?: FakeAccountOptions;
  /** An existing fake account (e.g. `other.inRegion(r)`) instead of a new one; its region is the stack's. */
  account?: FakeAccount;
  /** What context.getRemainingTimeInMillis() answers (the Lambda's time left). */
  remainingMs?: number;
  timeoutMarginMs?: number;
  /** The handler factory to run (default: the source's; the bundle tests pass the built bundle's). */
  createHandler?: typeof createCustomResourceHandler;
}

/** One Lambda container with the real custom resource handler, wired to a fresh fake account. */
export interface Harness {
  fake: FakeAccount;
  clock: FakeClock;
  /** Log lines of this harness, as JSON text. */
  logs: string[];
  /** Every response body PUT to the ResponseURL. */
  responses: CfnResponse[];
  /**
   * Sends one CloudFormation request through the handler and returns the one response it PUT.
   * Update and Delete take the physical id (and Update the old properties) in `old`.
   */
  simulateEvent(type: RequestType, props: Props, old?: { id?: string; props?: Props }): Promise<CfnResponse>;
  /**
   * Sends an event as given (a forged one, say) and returns the responses it PUT (none or one). The stack
   * stays in whatever status the test put it in with `fake.cloudformation.setStack`.
   */
  sendRaw(event: CloudFormationCustomResourceEvent): Promise<CfnResponse[]>;
  /** The event simulateEvent would send, for tests that change it before sendRaw. */
  eventFor(type: RequestType, props: Props, old?: { id?: string; props?: Props }): CloudFormationCustomResourceEvent;
}

/** Every harness made in this test file, for the closing log scan. */
export const harnesses: Harness[] = [];

/** The real handler with instant SDK retries, tiny waiter delays and an instant propagation retry. */
export function makeHarness(opts: HarnessOptions = {}): Harness {
  const clock = new FakeClock();
  const fake = opts.account ?? new FakeAccount({ now: () => clock.now(), ...opts.fake });
  // The stack lives in the fake's region (STACK_ID and the service token name the default REGION).
  const inRegion = (arn: string) => arn.replace(`:${REGION}:`, `:${fake.region}:`);
  const logs: string[] = [];
  const responses: CfnResponse[] = [];
  const handler = (opts.createHandler ?? createCustomResourceHandler)({
    env: { PERMISSIONS_BOUNDARY_ARN: BOUNDARY_ARN, READER_BOUNDARY_ARN, PROVISIONER_ROLE_ARN, STACK_ID: inRegion(STACK_ID) },
    clientOptions: { credentials: FAKE_CREDENTIALS, retryStrategy: instantRetries(), decorate: fake.decorate },
    waits: { minDelay: 0.001, maxDelay: 0.005, maxWaitTime: 0.5 },
    propagationRetry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 10 },
    clock,
    log: createLogger({ level: 'debug', sink: (line) => logs.push(line), now: () => new Date(clock.now()) }),
    put: async (url, body) => {
      if (url !== RESPONSE_URL) throw new Error('response PUT to an unexpected URL');
      responses.push(JSON.parse(body) as CfnResponse);
    },
    responseRetry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, clock },
    ...(opts.timeoutMarginMs !== undefined ? { timeoutMarginMs: opts.timeoutMarginMs } : {}),
  });
  const context = { getRemainingTimeInMillis: () => opts.remainingMs ?? 15 * 60_000 };
  let requests = 0;

  const eventFor: Harness['eventFor'] = (type, props, old = {}) => {
    requests++;
    const base = {
      ServiceToken: inRegion(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:siem-provisioner`),
      ResponseURL: RESPONSE_URL,
      StackId: inRegion(STACK_ID),
      RequestId: `request-${requests}`,
      LogicalResourceId: 'Pipeline',
      ResourceType: 'Custom::SiemPipeline',
      ResourceProperties: { ServiceToken: inRegion(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:siem-provisioner`), ...props },
    };
    return (
      type === 'Create'
        ? { ...base, RequestType: 'Create' }
        : type === 'Update'
          ? { ...base, RequestType: 'Update', PhysicalResourceId: old.id, OldResourceProperties: { ServiceToken: base.ServiceToken, ...old.props } }
          : { ...base, RequestType: 'Delete', PhysicalResourceId: old.id }
    ) as CloudFormationCustomResourceEvent;
  };

  const sendRaw: Harness['sendRaw'] = async (event) => {
    const before = responses.length;
    await handler(event, context);
    return responses.slice(before);
  };

  const simulateEvent: Harness['simulateEvent'] = async (type, props, old = {}) => {
    // CloudFormation sends each request type only while the stack is in one of these statuses (the guard checks).
    fake.cloudformation.setStack(inRegion(STACK_ID), REQUEST_STATUSES[type][0]);
    const sent = await sendRaw(eventFor(type, props, old));
    if (sent.length !== 1) throw new Error(`${type} sent ${sent.length} responses instead of one`);
    return sent[0];
  };

  const harness = { fake, clock, logs, responses, simulateEvent, sendRaw, eventFor };
  harnesses.push(harness);
  return harness;
}

/** Properties for a pipeline with the given overrides. */
/** A read-only context on the harness's fake account for pipeline `properties`, as the operator CLI builds one (audit, plan). */
export function readOnlyContext(h: Pick<Harness, 'fake'>, properties: Props): { config: PipelineConfig; ctx: PipelineContext } {
  const config = parseConfig(properties);
  const log = createLogger({ level: 'error', sink: () => undefined });
  const ctx = buildContext({ env: {}, readOnly: true }, h.fake.clients(), config, stackIdentity({ StackId: STACK_ID }), log);
  return { config, ctx };
}

export function props(overrides: Props = {}): Props {
  return { ...BASE_PROPS, ...overrides };
}

/**
 * Defines the closing test of a file: no log line of any harness in it holds a secret access key the
 * fake account issued, an ExternalId used, or the ResponseURL; and no response body holds a secret key.
 */
export function scanLogsForSecrets(externalIds: readonly string[]): void {
  describe('log lines of this suite', () => {
    it('hold no secret access key, ExternalId or ResponseURL, and responses hold no secret access key', () => {
      const lines = harnesses.flatMap((h) => h.logs);
      const keys = harnesses.flatMap((h) => h.fake.iam.issuedSecrets);
      const bodies = harnesses.flatMap((h) => h.responses.map((r) => JSON.stringify(r)));
      expect(lines.length).toBeGreaterThan(0);
      expect(keys.length).toBeGreaterThan(0);

      const leaks = (texts: string[], secrets: readonly string[]) =>
        texts.flatMap((t) => secrets.filter((s) => t.includes(s)).map((s) => `${s.slice(0, 6)}… in ${t.slice(0, 120)}`));
      expect(leaks(lines, [...keys, ...externalIds, ...RESPONSE_URL_SECRETS, 'X-Amz-Signature'])).toEqual([]);
      expect(leaks(bodies, [...keys, ...externalIds])).toEqual([]);
    });
  });
}
