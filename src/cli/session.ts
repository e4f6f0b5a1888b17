import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { createClients, type AwsClients, type ClientFactoryOptions, type DecoratableClient, type ServiceKey } from '../aws/clients';
import { systemClock, type Clock } from '../support/clock';
import { createLogger, REDACTED, type Logger } from '../support/log';
import type { Component } from '../components/component';
import type { WaitSettings } from '../components/context';
import { defaultComponents } from '../sources/registry';
import { PipelineEngine } from '../engine/engine';
import type { CliRequest } from './args';
import { emulatorClientOptions } from './emulator';
import { Progress } from './progress';
import { UsageError } from './usage';

/** Where the command writes and reads: the process's streams and files, or a test's buffers. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile?(path: string): Promise<string>;
  /** True when stderr is a terminal: a spinner is drawn, and confirmations may be asked. */
  isTty?: boolean;
  /** Asks a yes/no question on the terminal. */
  confirm?(question: string): Promise<boolean>;
}

/** What tests inject: client options (the fake account's middleware), components, a clock, the region list. */
export interface CliDeps {
  clientOptions?: Omit<ClientFactoryOptions, 'region'>;
  /** Client options per region (tests route each region to its own fake account); wins over clientOptions. */
  regionalClientOptions?: (region: string) => Omit<ClientFactoryOptions, 'region'>;
  components?: readonly Component[];
  clock?: Clock;
  /** The account's enabled regions, for `--regions all` (default: EC2 DescribeRegions). */
  listRegions?: (clients: AwsClients) => Promise<string[]>;
  /** CloudFormation change-set waiter settings (tests shrink them). */
  waits?: WaitSettings;
  /** Environment (default process.env): AWS_ENDPOINT_URL switches emulator mode. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** One run's clients per region, logger, engine and progress lines. */
export interface Session {
  region: string;
  clientsFor(region: string): AwsClients;
  log: Logger;
  engine: PipelineEngine;
  clock: Clock;
  progress: Progress;
  deps: CliDeps;
  io: CliIo;
  out(text: string): void;
  err(text: string): void;
  /** A value read at run time (the live ExternalId) that output must mask from now on. */
  addSecret(value: string): void;
}

/** The SDK's `Service:Operation` of a failed call, put on the error by the middleware below. */
export function failedCall(err: unknown): string | undefined {
  // A pipeline step wraps the SDK error: the call is on its cause.
  for (
    let e = err as { $cliCall?: unknown; cause?: unknown } | undefined, depth = 0;
    e && typeof e === 'object' && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e.$cliCall === 'string') return e.$cliCall;
  }
  return undefined;
}

/** Marks each error with the call that threw it, so "access denied" can name the call and its permission. */
function annotateCalls(client: DecoratableClient): void {
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => async (args: unknown) => {
    try {
      return await next(args);
    } catch (e) {
      if (e && typeof e === 'object' && !('$cliCall' in e)) {
        const service = (context.clientName ?? '').replace(/Client$/, '');
        Object.defineProperty(e, '$cliCall', { value: `${service}:${(context.commandName ?? '').replace(/Command$/, '')}`, enumerable: false });
      }
      throw e;
    }
  };
  client.middlewareStack.add(middleware as never, { step: 'initialize', priority: 'high', name: 'cliCallName' } as never);
}

/**
 * The region as the SDK's chain resolves it (--region, AWS_REGION, the profile's region); a command without
 * one is bad input naming --region.
 */
export async function resolveRegion(
  req: Pick<CliRequest, 'region' | 'profile'>,
  fallback: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  if (req.region !== undefined) return req.region;
  if (fallback !== undefined) return fallback;
  const fromEnv = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (fromEnv) return fromEnv;
  try {
    const region = await new CloudFormationClient(req.profile ? { profile: req.profile } : {}).config.region();
    if (region) return region;
  } catch {
    // No region in the environment or profile.
  }
  throw new UsageError('no region: give --region, set AWS_REGION, or set a region in the profile');
}

/** Builds the run's session: clients per region share credentials, retry and the call-naming middleware. */
export function createSession(req: CliRequest, region: string, io: CliIo, deps: CliDeps, secrets: string[]): Session {
  const mask = (text: string) => secrets.reduce((t, s) => t.split(s).join(REDACTED), text);
  const env = deps.env ?? process.env;
  const byRegion = new Map<string, AwsClients>();
  const clientsFor = (r: string) => {
    let clients = byRegion.get(r);
    if (!clients) {
      const options = deps.regionalClientOptions?.(r) ?? deps.clientOptions;
      const decorate = (client: DecoratableClient, service: ServiceKey) => {
        annotateCalls(client);
        options?.decorate?.(client, service);
      };
      clients = createClients({ region: r, ...emulatorClientOptions(env), ...(req.profile ? { profile: req.profile } : {}), ...options, decorate });
      byRegion.set(r, clients);
    }
    return clients;
  };
  const out = (text: string) => io.stdout(mask(text));
  const err = (text: string) => io.stderr(mask(text));
  const clock = deps.clock ?? systemClock;
  return {
    region,
    clientsFor,
    log: createLogger({ level: 'warn', sink: (line) => err(`${line}\n`) }),
    engine: new PipelineEngine(deps.components ?? defaultComponents()),
    clock,
    progress: new Progress(err, io.isTty === true && !req.json, clock),
    deps,
    io,
    out,
    err,
    addSecret: (value) => {
      if (value !== '' && !secrets.includes(value)) secrets.push(value);
    },
  };
}
