import { createClients, type AwsClients, type ClientFactoryOptions } from './aws/clients';
import type { StackIdentity } from './cfn/identity';
import { systemClock, type Clock } from './clock';
import { ownershipTags, pipelineNames } from './config/names';
import type { PipelineConfig } from './config/pipeline-config';
import type { Logger } from './log';
import type { Component } from './pipeline/component';
import { defaultComponents } from './pipeline/components';
import { DEFAULT_PROPAGATION_RETRY, DEFAULT_WAITS, type PipelineContext, type WaitSettings } from './pipeline/context';
import { PipelineEngine } from './pipeline/engine';
import type { LifecycleDeps } from './pipeline/lifecycle';
import type { RetryOptions } from './aws/retry';

export interface RuntimeOptions {
  env: Readonly<Record<string, string | undefined>>;
  clock?: Clock;
  waits?: WaitSettings;
  propagationRetry?: Omit<RetryOptions, 'clock'>;
  /** Overrides for the SDK clients (tests attach the fake account; emulators set an endpoint). */
  clientOptions?: Omit<ClientFactoryOptions, 'region'>;
  /** Prebuilt clients (unit tests with aws-sdk-client-mock). */
  clients?: AwsClients;
  components?: readonly Component[];
}

/** The environment variable the template sets to the permissions boundary's ARN. */
export const BOUNDARY_ENV = 'PERMISSIONS_BOUNDARY_ARN';

/** Wires engine, clients and context for the custom resource from the Lambda environment. */
export function createLifecycleDeps(opts: RuntimeOptions): LifecycleDeps {
  const engine = new PipelineEngine(opts.components ?? defaultComponents());
  const clientsByRegion = new Map<string, AwsClients>();
  return {
    engine,
    contextFor(config: PipelineConfig, identity: StackIdentity, log: Logger): PipelineContext {
      const boundary = opts.env[BOUNDARY_ENV];
      if (!boundary) throw new Error(`${BOUNDARY_ENV} is not set: the function needs the permissions boundary's ARN`);
      let clients = opts.clients ?? clientsByRegion.get(identity.region);
      if (!clients) {
        clients = createClients({ region: identity.region, ...opts.clientOptions });
        clientsByRegion.set(identity.region, clients);
      }
      return {
        clients,
        account: identity.account,
        region: identity.region,
        partition: identity.partition,
        stackId: identity.stackId,
        names: pipelineNames(config.name, identity.region, identity.account),
        tags: ownershipTags(config.name, identity.stackId),
        permissionsBoundaryArn: boundary,
        log: log.child({ pipeline: config.name }),
        clock: opts.clock ?? systemClock,
        propagationRetry: opts.propagationRetry ?? DEFAULT_PROPAGATION_RETRY,
        waits: opts.waits ?? DEFAULT_WAITS,
      };
    },
  };
}
