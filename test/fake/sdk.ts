import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';

/**
 * The SDK's standard retry with no backoff, for `createClients({ retryStrategy })`: retries happen as they
 * would against AWS, only at once. Injected by tests; Lambda code never imports it.
 */
export function instantRetries(maxAttempts = 6): ConfiguredRetryStrategy {
  return new ConfiguredRetryStrategy(maxAttempts, () => 0);
}

/** An HTTP/1.1 handler for emulators (kinesalite, s3rver), which do not speak the HTTP/2 newer clients use. */
export function http1Handler(): NodeHttpHandler {
  return new NodeHttpHandler();
}
