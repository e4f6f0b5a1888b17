import { createClients, type AwsClients, type ClientFactoryOptions } from '../aws/clients';
import type { RetryOptions } from '../aws/retry';
import type { StackIdentity } from './stack-identity';
import { systemClock, type Clock } from '../support/clock';
import { ownershipTags, pipelineNames } from '../config/names';
import type { PipelineConfig } from '../config/pipeline-config';
import type { Logger } from '../support/log';
import { DEFAULT_PROPAGATION_RETRY, DEFAULT_WAITS, type PipelineContext, type WaitSettings } from '../components/context';

/** The environment variable the template sets to the delivery roles' permissions boundary's ARN. */
export const BOUNDARY_ENV = 'PERMISSIONS_BOUNDARY_ARN';
/** The environment variable the template sets to the SIEM reader's permissions boundary's ARN. */
export const READER_BOUNDARY_ENV = 'READER_BOUNDARY_ARN';
/** The environment variable the template sets to the provisioner's role ARN (the secret's policy names it). */
export const PROVISIONER_ROLE_ENV = 'PROVISIONER_ROLE_ARN';

/** What a Lambda entry point injects to build pipeline contexts: its environment, time and SDK clients. */
export interface ContextOptions {
  env: Readonly<Record<string, string | undefined>>;
  clock?: Clock;
  waits?: WaitSettings;
  propagationRetry?: Omit<RetryOptions, 'clock'>;
  /** Overrides for the SDK clients (tests attach the fake account; emulators set an endpoint). */
  clientOptions?: Omit<ClientFactoryOptions, 'region'>;
  /** Prebuilt clients (unit tests with aws-sdk-client-mock). */
  clients?: AwsClients;
}

/**
 * SDK clients per region, created on first use (or the injected ones). The enroller and the CLI keep them for
 * the life of the process; the custom resource builds a set per request, bound to its deadline's signal
 * (src/handlers/cfn/lifecycle-deps.ts), so its connections are not reused across requests.
 */
export function regionalClients(opts: Pick<ContextOptions, 'clients' | 'clientOptions'>): (region: string) => AwsClients {
  const clientsByRegion = new Map<string, AwsClients>();
  return (region) => {
    let clients = opts.clients ?? clientsByRegion.get(region);
    if (!clients) {
      clients = createClients({ region, ...opts.clientOptions });
      clientsByRegion.set(region, clients);
    }
    return clients;
  };
}

/** `readOnly`: the context is only used to inspect (audit), so it needs no permissions boundary. */
export interface ReadOnlyOption {
  readOnly?: boolean;
}

/**
 * The context for one pipeline in one stack's account and region.
 * Shared by the custom resource, the VPC enroller and the CLI so all name, tag and retry alike; it imports
 * no component, so the enroller's bundle does not carry every component.
 */
export function buildContext(
  opts: Pick<ContextOptions, 'env' | 'clock' | 'waits' | 'propagationRetry'> & ReadOnlyOption,
  clients: AwsClients,
  config: PipelineConfig,
  identity: StackIdentity,
  log: Logger,
): PipelineContext {
  const boundary = opts.env[BOUNDARY_ENV];
  if (!boundary && !opts.readOnly) throw new Error(`${BOUNDARY_ENV} is not set: the function needs the permissions boundary's ARN`);
  const ctx: PipelineContext = {
    clients,
    account: identity.account,
    region: identity.region,
    partition: identity.partition,
    stackId: identity.stackId,
    names: pipelineNames(config.name, identity.region, identity.account),
    tags: ownershipTags(config.name, identity.stackId),
    permissionsBoundaryArn: boundary ?? '',
    readerBoundaryArn: '',
    ...(opts.env[PROVISIONER_ROLE_ENV] ? { provisionerRoleArn: opts.env[PROVISIONER_ROLE_ENV] } : {}),
    log: log.child({ pipeline: config.name }),
    clock: opts.clock ?? systemClock,
    propagationRetry: opts.propagationRetry ?? DEFAULT_PROPAGATION_RETRY,
    waits: opts.waits ?? DEFAULT_WAITS,
  };
  // Read-only use (inspect, the CLI's alone: the Lambda bundles, see notInLambda, leave this out): any code path that
  // would create a role or user fails here, before its AWS call.
  if (!process.env.SIEM_LAMBDA_BUNDLE && !boundary) {
    failOnRead(ctx, 'permissionsBoundaryArn', `read-only context: ${BOUNDARY_ENV} is not set, so nothing may create IAM roles or users`);
  }
  const readerBoundary = opts.env[READER_BOUNDARY_ENV];
  if (readerBoundary) ctx.readerBoundaryArn = readerBoundary;
  // Only the reader's components need it (the VPC enroller never does): they fail before their first AWS call.
  else failOnRead(ctx, 'readerBoundaryArn', `${READER_BOUNDARY_ENV} is not set: the SIEM reader cannot be created without its permissions boundary`);
  return ctx;
}

function failOnRead(ctx: PipelineContext, key: 'permissionsBoundaryArn' | 'readerBoundaryArn', message: string): void {
  Object.defineProperty(ctx, key, {
    enumerable: true,
    get: () => {
      throw new Error(message);
    },
  });
}
