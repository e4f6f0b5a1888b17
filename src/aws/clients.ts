import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { IAMClient } from '@aws-sdk/client-iam';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { RetryStrategyV2 } from '@smithy/types';

/**
 * The SDK client class of each service, one line per service. The build makes every `@aws-sdk/*` import lazy
 * (scripts/build/lazy-sdk.mjs), so a service's package is loaded when its client is first used, not at
 * `require` time: the enroller loads only EC2 and CloudWatch Logs. Adding a service is one import and one line.
 */
const SERVICES = {
  kinesis: () => KinesisClient,
  iam: () => IAMClient,
  secrets: () => SecretsManagerClient,
  logs: () => CloudWatchLogsClient,
  cloudtrail: () => CloudTrailClient,
  s3: () => S3Client,
  ec2: () => EC2Client,
  guardduty: () => GuardDutyClient,
  events: () => EventBridgeClient,
  /** The provisioner's own stack, read by the custom resource request guard. */
  cloudformation: () => CloudFormationClient,
};

export type ServiceKey = keyof typeof SERVICES;

/** Every AWS client the pipeline uses, created on first use. */
export type AwsClients = { readonly [K in ServiceKey]: InstanceType<ReturnType<(typeof SERVICES)[K]>> };

/** The slice of a smithy client that the factory touches; every SDK v3 client has it. */
export interface DecoratableClient {
  middlewareStack: { add: (...args: never[]) => void };
}

/** The HTTP handler a client sends with (an SDK `requestHandler`): emulators need HTTP/1.1. */
export type RequestHandler = NonNullable<ConstructorParameters<typeof KinesisClient>[0]>['requestHandler'];

export interface ClientFactoryOptions {
  region: string;
  /** Attempts in all per call (SDK standard retry: throttling and transient errors, jittered). */
  maxAttempts?: number;
  /** Replaces the SDK's standard retry strategy (tests inject one without backoff). */
  retryStrategy?: RetryStrategyV2;
  /** Endpoint override (LocalStack, moto, emulators); defaults to AWS_ENDPOINT_URL. */
  endpoint?: string;
  /**
   * HTTP handler for every client. Emulators need an HTTP/1.1 one (`NodeHttpHandler`), which the tests and the
   * CLI inject when an endpoint is set; Lambda code never imports it, so the bundles do not carry it.
   */
  requestHandler?: RequestHandler;
  /** Appended to the user agent so CloudTrail shows which tool made a call. */
  userAgent?: [name: string, version: string];
  /** A named profile of the shared config files (the CLI's --profile); default: the SDK's chain. */
  profile?: string;
  /** Static credentials, for emulators. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Once aborted, every call fails before it is sent: the request's deadline has passed. */
  signal?: AbortSignal;
  /** Called once for each client after it is created: tests attach a fake-account middleware here. */
  decorate?: (client: DecoratableClient, service: ServiceKey) => void;
}

const DEFAULT_USER_AGENT: [string, string] = ['aws-siem-pipeline', '0.1.0'];

/**
 * Lazily-built SDK v3 clients sharing region, retry policy and user agent.
 * With an endpoint override, S3 uses path-style addressing, as emulators need.
 */
export function createClients(opts: ClientFactoryOptions): AwsClients {
  const endpoint = opts.endpoint ?? (process.env.AWS_ENDPOINT_URL || undefined);
  const base = {
    region: opts.region,
    customUserAgent: [opts.userAgent ?? DEFAULT_USER_AGENT],
    ...(opts.retryStrategy ? { retryStrategy: opts.retryStrategy } : { maxAttempts: opts.maxAttempts ?? 6, retryMode: 'standard' }),
    ...(endpoint ? { endpoint } : {}),
    ...(opts.requestHandler ? { requestHandler: opts.requestHandler } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
  };
  const configFor = (key: ServiceKey) => (key === 's3' ? { ...base, forcePathStyle: endpoint !== undefined } : base);
  const cache = new Map<ServiceKey, unknown>();
  const clients = {} as AwsClients;
  for (const key of Object.keys(SERVICES) as ServiceKey[]) {
    Object.defineProperty(clients, key, {
      enumerable: true,
      get() {
        if (!cache.has(key)) {
          const Client = SERVICES[key]() as new (config: typeof base) => DecoratableClient;
          const client = new Client(configFor(key));
          if (opts.signal) abortOn(opts.signal, client);
          opts.decorate?.(client, key);
          cache.set(key, client);
        }
        return cache.get(key);
      },
    });
  }
  return clients;
}

/** Adds a first middleware that refuses to start a call once `signal` is aborted (it throws the abort reason). */
function abortOn(signal: AbortSignal, client: DecoratableClient): void {
  const middleware = (next: (args: unknown) => Promise<unknown>) => (args: unknown) => {
    signal.throwIfAborted();
    return next(args);
  };
  client.middlewareStack.add(middleware as never, { step: 'initialize', priority: 'high', name: 'abortOnDeadline' } as never);
}
