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
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';

/** Every AWS client the pipeline uses, created on first use. */
export interface AwsClients {
  readonly kinesis: KinesisClient;
  readonly iam: IAMClient;
  readonly secrets: SecretsManagerClient;
  readonly logs: CloudWatchLogsClient;
  readonly cloudtrail: CloudTrailClient;
  readonly s3: S3Client;
  readonly ec2: EC2Client;
  readonly guardduty: GuardDutyClient;
  readonly events: EventBridgeClient;
  /** Reads the provisioner's own stack (the custom resource request guard). */
  readonly cloudformation: CloudFormationClient;
}

export type ServiceKey = keyof AwsClients;

/** The slice of a smithy client that the factory touches; every SDK v3 client has it. */
export interface DecoratableClient {
  middlewareStack: { add: (...args: never[]) => void };
}

export interface ClientFactoryOptions {
  region: string;
  /** Attempts in all per call (SDK standard retry: throttling and transient errors, jittered). */
  maxAttempts?: number;
  /** Backoff per retry attempt in ms; replaces the SDK default (tests pass 0). */
  retryBackoffMs?: (attempt: number) => number;
  /** Endpoint override (LocalStack, moto, emulators); defaults to AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** Appended to the user agent so CloudTrail shows which tool made a call. */
  userAgent?: [name: string, version: string];
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
 * With an endpoint override, clients speak HTTP/1.1 and S3 uses path-style addressing, as emulators need.
 */
export function createClients(opts: ClientFactoryOptions): AwsClients {
  const endpoint = opts.endpoint ?? (process.env.AWS_ENDPOINT_URL || undefined);
  const maxAttempts = opts.maxAttempts ?? 6;
  const base = {
    region: opts.region,
    customUserAgent: [opts.userAgent ?? DEFAULT_USER_AGENT],
    ...(opts.retryBackoffMs
      ? { retryStrategy: new ConfiguredRetryStrategy(maxAttempts, opts.retryBackoffMs) }
      : { maxAttempts, retryMode: 'standard' }),
    ...(endpoint ? { endpoint, requestHandler: new NodeHttpHandler() } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  };
  const makers: { [K in ServiceKey]: () => AwsClients[K] } = {
    kinesis: () => new KinesisClient(base),
    iam: () => new IAMClient(base),
    secrets: () => new SecretsManagerClient(base),
    logs: () => new CloudWatchLogsClient(base),
    cloudtrail: () => new CloudTrailClient(base),
    s3: () => new S3Client({ ...base, forcePathStyle: endpoint !== undefined }),
    ec2: () => new EC2Client(base),
    guardduty: () => new GuardDutyClient(base),
    events: () => new EventBridgeClient(base),
    cloudformation: () => new CloudFormationClient(base),
  };
  const cache: Partial<AwsClients> = {};
  const clients = {} as AwsClients;
  for (const key of Object.keys(makers) as ServiceKey[]) {
    Object.defineProperty(clients, key, {
      enumerable: true,
      get() {
        if (!cache[key]) {
          const client = makers[key]();
          if (opts.signal) abortOn(opts.signal, client as unknown as DecoratableClient);
          opts.decorate?.(client as unknown as DecoratableClient, key);
          (cache as Record<ServiceKey, unknown>)[key] = client;
        }
        return cache[key];
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
