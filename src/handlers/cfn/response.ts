import * as http from 'node:http';
import * as https from 'node:https';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { withRetries, type RetryOptions } from '../../aws/retry';

/** CloudFormation rejects response bodies over 4096 bytes. */
export const MAX_RESPONSE_BYTES = 4096;
const TRUNCATED = ' [truncated]';
const DATA_DROPPED = `(response Data exceeded ${MAX_RESPONSE_BYTES} bytes and was dropped)`;

export interface CfnResponse {
  Status: 'SUCCESS' | 'FAILED';
  Reason?: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  NoEcho?: boolean;
  Data?: Record<string, string>;
}

export interface ResponseOutcome {
  status: 'SUCCESS' | 'FAILED';
  physicalResourceId: string;
  reason?: string;
  data?: Record<string, string>;
}

/**
 * The response body, at most 4096 bytes: an over-long Reason is cut (on a character boundary) and marked;
 * Data that does not fit beside the shortest Reason is dropped and the Reason says so.
 */
export function buildResponseBody(event: CloudFormationCustomResourceEvent, outcome: ResponseOutcome): string {
  const base: CfnResponse = {
    Status: outcome.status,
    PhysicalResourceId: outcome.physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  };
  const render = (reason: string | undefined, data?: Record<string, string>) =>
    JSON.stringify({ ...base, ...(reason !== undefined ? { Reason: reason } : {}), ...(data ? { Data: data } : {}) });
  const fits = (body: string) => Buffer.byteLength(body) <= MAX_RESPONSE_BYTES;

  const text = outcome.reason ?? (outcome.status === 'FAILED' ? 'Failed' : undefined);
  let data = outcome.data;
  const whole = render(text, data);
  if (fits(whole)) return whole;

  let note = '';
  if (data && !fits(render(text === undefined ? undefined : TRUNCATED, data))) {
    data = undefined;
    note = DATA_DROPPED;
    const withNote = text === undefined ? note : `${text} ${note}`;
    if (fits(render(withNote))) return render(withNote);
  }
  const full = text ?? '';
  const cut = (n: number) => `${full.slice(0, n).replace(/[\uD800-\uDBFF]$/, '')}${TRUNCATED}${note ? ` ${note}` : ''}`;
  // Longest prefix of the reason (in characters) that keeps the whole body within the limit.
  let lo = 0;
  let hi = full.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(render(cut(mid), data))) lo = mid;
    else hi = mid - 1;
  }
  return render(cut(lo), data);
}

/** An HTTP status from the response URL that is not 2xx. */
export class ResponseRejectedError extends Error {
  override readonly name = 'ResponseRejectedError';
  constructor(readonly statusCode: number) {
    super(`CloudFormation response URL answered HTTP ${statusCode}`);
  }
}

/** Sends one PUT of `body` to `url`; `content-type` is empty as the pre-signed URL requires. */
export type PutFn = (url: string, body: string) => Promise<void>;

export const httpPut: PutFn = (url, body) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const transport = target.protocol === 'http:' ? http : https;
    const req = transport.request(
      target,
      {
        method: 'PUT',
        headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
        timeout: 30_000,
      },
      (res) => {
        // A connection dropped mid-answer emits neither 'end' nor a request error: settle on 'close' too.
        res.on('error', reject);
        res.on('close', () => {
          if (!res.complete) reject(new Error('CloudFormation response PUT: connection closed before the answer was complete'));
        });
        res.resume();
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve();
          else reject(new ResponseRejectedError(code));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('CloudFormation response PUT timed out')));
    req.on('error', reject);
    req.end(body);
  });

/** Network errors and 5xx/429 answers are retried; a 4xx (an expired or wrong URL) is final. */
export function isRetryableResponseError(err: unknown): boolean {
  if (err instanceof ResponseRejectedError) return err.statusCode >= 500 || err.statusCode === 429;
  return true;
}

export const DEFAULT_RESPONSE_RETRY: Omit<RetryOptions, 'clock'> = { maxAttempts: 6, baseDelayMs: 250, maxDelayMs: 5_000 };

/** PUTs the response with capped, jittered retries. The URL is a credential: it is never logged or put in errors. */
export async function submitResponse(url: string, body: string, opts: { put?: PutFn; retry?: RetryOptions } = {}): Promise<void> {
  const put = opts.put ?? httpPut;
  await withRetries(() => put(url, body), isRetryableResponseError, opts.retry ?? DEFAULT_RESPONSE_RETRY);
}
