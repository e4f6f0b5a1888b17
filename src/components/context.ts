import type { AwsClients } from '../aws/clients';
import type { RetryOptions } from '../aws/retry';
import type { Clock } from '../support/clock';
import type { PipelineNames } from '../config/names';
import type { Logger } from '../support/log';

/** SDK waiter settings, in seconds as the SDK takes them. */
export interface WaitSettings {
  minDelay: number;
  maxDelay: number;
  maxWaitTime: number;
}

/** Everything a component needs besides its config: injected, never read from globals. */
export interface PipelineContext {
  clients: AwsClients;
  account: string;
  region: string;
  partition: string;
  stackId: string;
  names: PipelineNames;
  /** Tags put on everything we create. */
  tags: Record<string, string>;
  /** Managed policy that bounds every delivery role the pipeline creates: write into our stream and log groups only. */
  permissionsBoundaryArn: string;
  /** Managed policy that bounds the SIEM's reader (user or role): read our stream only. */
  readerBoundaryArn: string;
  /**
   * The provisioner's own role: the reader secret's resource policy lets it (and the named readers) alone in.
   * Undefined outside the stack (the audit): nothing may then write the secret's policy.
   */
  provisionerRoleArn?: string;
  log: Logger;
  clock: Clock;
  /** Retries of AWS eventual consistency (role propagation, test-message delivery). */
  propagationRetry: Omit<RetryOptions, 'clock'>;
  waits: WaitSettings;
  /** Aborted when the request's deadline has passed: the engine starts no further step, waiters stop. */
  signal?: AbortSignal;
}

/**
 * Stream state polls every second: the whole Create waits on the stream turning ACTIVE, and a backoff that grows
 * would notice it up to its cap late (1-3 s put some Create runs past 1.3x their floor). One DescribeStream a
 * second is far below its 10 calls/s limit, and a wait of a few minutes costs a few hundred polls at most.
 */
export const DEFAULT_WAITS: WaitSettings = { minDelay: 1, maxDelay: 1, maxWaitTime: 300 };

export const DEFAULT_PROPAGATION_RETRY: Omit<RetryOptions, 'clock'> = {
  maxAttempts: 20,
  baseDelayMs: 1000,
  maxDelayMs: 15_000,
  maxElapsedMs: 180_000,
};
