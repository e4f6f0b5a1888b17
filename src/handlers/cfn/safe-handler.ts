import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import type { RetryOptions } from '../../aws/retry';
import { DeadlineError, describeError } from '../../support/errors';
import type { Logger } from '../../support/log';
import { buildResponseBody, submitResponse, type PutFn, type ResponseOutcome } from './response';

/** A request that failed, carrying the PhysicalResourceId CloudFormation must be told. */
export class RequestFailedError extends Error {
  override readonly name = 'RequestFailedError';
  constructor(
    readonly physicalResourceId: string,
    cause: unknown,
  ) {
    super(describeError(cause), { cause });
  }
}

export interface RequestResult {
  physicalResourceId: string;
  data?: Record<string, string>;
}

/** The work for one request; `signal` aborts when the timeout guard has answered, so no AWS call starts after it. */
export type RequestWork = (event: CloudFormationCustomResourceEvent, log: Logger, signal: AbortSignal) => Promise<RequestResult>;

export interface SafeHandlerOptions {
  log: Logger;
  /** Respond FAILED this long before the Lambda's own timeout. */
  timeoutMarginMs?: number;
  put?: PutFn;
  responseRetry?: RetryOptions;
  /** PhysicalResourceId to report when a Create fails before it could compute its own. */
  fallbackPhysicalId?: (event: CloudFormationCustomResourceEvent) => string;
  /**
   * Why the event's ResponseURL must not be answered, or undefined when it may. A refused URL means the
   * request did not come from CloudFormation: nothing is done and nothing is PUT.
   */
  responseUrlProblem?: (event: CloudFormationCustomResourceEvent) => string | undefined;
}

export const DEFAULT_TIMEOUT_MARGIN_MS = 20_000;

/** What is safe to log about a request: never the ResponseURL or the properties (they may hold secrets). */
export function requestSummary(event: CloudFormationCustomResourceEvent): Record<string, unknown> {
  return {
    requestType: event.RequestType,
    requestId: event.RequestId,
    logicalResourceId: event.LogicalResourceId,
    stackId: event.StackId,
    ...('PhysicalResourceId' in event ? { physicalResourceId: event.PhysicalResourceId } : {}),
  };
}

/**
 * Wraps the work for one custom resource request so that CloudFormation always gets exactly one response:
 * on success, on any exception, and before the Lambda times out (remaining time minus a margin).
 * The handler itself never throws, so Lambda does not retry it.
 */
export function safeHandler(unsafeWork: RequestWork, opts: SafeHandlerOptions) {
  // A work function that throws synchronously (not async) must still get its FAILED response.
  const work: RequestWork = async (...args) => unsafeWork(...args);
  return async (event: CloudFormationCustomResourceEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<void> => {
    const log = opts.log.child(requestSummary(event));
    log.info('request received');
    const urlProblem = opts.responseUrlProblem?.(event);
    if (urlProblem !== undefined) {
      log.error('request refused: no response sent, nothing done', { reason: urlProblem });
      return;
    }
    const fallbackId = fallbackIdFor(event, opts);

    let timer: NodeJS.Timeout | undefined;
    const deadline = new AbortController();
    const margin = opts.timeoutMarginMs ?? DEFAULT_TIMEOUT_MARGIN_MS;
    const guard = new Promise<ResponseOutcome>((resolve) => {
      const budget = Math.max(0, context.getRemainingTimeInMillis() - margin);
      timer = setTimeout(() => {
        const reason = `Timed out: the ${event.RequestType} did not finish within ${Math.round(budget / 1000)} s`;
        // CloudFormation will now act on this answer (a Delete follows a failed Create): the unfinished work
        // must not go on changing the account, also if a frozen container is thawed later. Every later AWS call fails.
        deadline.abort(new DeadlineError(reason));
        resolve({ status: 'FAILED', physicalResourceId: fallbackId, reason });
      }, budget);
    });
    const outcome = work(event, log, deadline.signal).then(
      (r): ResponseOutcome => ({ status: 'SUCCESS', physicalResourceId: r.physicalResourceId, ...(r.data ? { data: r.data } : {}) }),
      (err: unknown): ResponseOutcome => ({
        status: 'FAILED',
        physicalResourceId: err instanceof RequestFailedError ? err.physicalResourceId : fallbackId,
        reason: describeError(err instanceof RequestFailedError ? err.cause : err),
      }),
    );

    const result = await Promise.race([outcome, guard]);
    clearTimeout(timer);
    if (result.status === 'FAILED') log.error('request failed', { reason: result.reason, physicalResourceId: result.physicalResourceId });
    const body = buildResponseBody(event, result);
    try {
      await submitResponse(event.ResponseURL, body, {
        ...(opts.put ? { put: opts.put } : {}),
        ...(opts.responseRetry ? { retry: opts.responseRetry } : {}),
      });
      log.info('response sent', { status: result.status, physicalResourceId: result.physicalResourceId, bytes: Buffer.byteLength(body) });
    } catch (err) {
      log.error('response could not be sent', { status: result.status, error: describeError(err) });
    }
  };
}

/** The id to report when the work fails without naming one; a throwing `fallbackPhysicalId` must not cost the response. */
function fallbackIdFor(event: CloudFormationCustomResourceEvent, opts: SafeHandlerOptions): string {
  if ('PhysicalResourceId' in event) return event.PhysicalResourceId;
  try {
    const id = opts.fallbackPhysicalId?.(event);
    if (id) return id;
  } catch {
    // fall through to the generic id
  }
  return `${event.LogicalResourceId}-failed`;
}
