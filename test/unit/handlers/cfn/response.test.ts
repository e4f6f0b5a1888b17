import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RetryOptions } from '../../../../src/aws/retry';
import type { Clock } from '../../../../src/support/clock';
import {
  buildResponseBody,
  httpPut,
  isRetryableResponseError,
  MAX_RESPONSE_BYTES,
  ResponseRejectedError,
  submitResponse,
  type ResponseOutcome,
} from '../../../../src/handlers/cfn/response';
import { createEvent, STACK_ID } from './events';

const event = createEvent({ PipelineName: 'prod' });
const ID = 'siem-pipeline/123456789012/eu-west-1/prod';
const DROPPED = `(response Data exceeded ${MAX_RESPONSE_BYTES} bytes and was dropped)`;
/** A lone surrogate (half of a character): never valid in a truncated Reason. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function parsed(body: string): Record<string, unknown> {
  return JSON.parse(body) as Record<string, unknown>;
}

describe('buildResponseBody', () => {
  it('leaves a short SUCCESS body unchanged', () => {
    const body = buildResponseBody(event, { status: 'SUCCESS', physicalResourceId: ID, data: { StreamName: 'siem-prod' } });
    expect(body).toBe(
      JSON.stringify({
        Status: 'SUCCESS',
        PhysicalResourceId: ID,
        StackId: STACK_ID,
        RequestId: 'req-1',
        LogicalResourceId: 'Pipeline',
        Data: { StreamName: 'siem-prod' },
      }),
    );
  });

  it('leaves a short FAILED body unchanged and gives a FAILED without reason one', () => {
    expect(parsed(buildResponseBody(event, { status: 'FAILED', physicalResourceId: ID, reason: 'ensure stream failed: x' }))).toEqual({
      Status: 'FAILED',
      Reason: 'ensure stream failed: x',
      PhysicalResourceId: ID,
      StackId: STACK_ID,
      RequestId: 'req-1',
      LogicalResourceId: 'Pipeline',
    });
    expect(parsed(buildResponseBody(event, { status: 'FAILED', physicalResourceId: ID })).Reason).toBe('Failed');
  });

  const huge: [string, string][] = [
    ['ASCII', 'x'.repeat(10_000)],
    ['emoji (4 bytes, 2 UTF-16 units each)', '🔥'.repeat(3_000)],
    ['CJK (3 bytes each)', '失敗'.repeat(3_000)],
    ['mixed emoji, CJK and ASCII', 'a🔥失'.repeat(2_000)],
    ['characters JSON escapes', '"\\\n\u0001'.repeat(3_000)],
  ];
  it.each(huge)('cuts a huge %s Reason to fit 4096 bytes as valid JSON', (_what, reason) => {
    const body = buildResponseBody(event, { status: 'FAILED', physicalResourceId: ID, reason });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    // the longest prefix is kept: one more character of up to 6 JSON bytes would not fit
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_RESPONSE_BYTES - 6);
    const out = parsed(body);
    const kept = out.Reason as string;
    expect(kept.endsWith(' [truncated]')).toBe(true);
    expect(reason.startsWith(kept.slice(0, -' [truncated]'.length))).toBe(true);
    expect(kept).not.toMatch(LONE_SURROGATE);
    expect(out).toMatchObject({ Status: 'FAILED', PhysicalResourceId: ID, StackId: STACK_ID, RequestId: 'req-1', LogicalResourceId: 'Pipeline' });
  });

  it('never splits an emoji, whatever the cut position', () => {
    for (let pad = 0; pad < 8; pad++) {
      const body = buildResponseBody(event, { status: 'FAILED', physicalResourceId: ID, reason: `${'a'.repeat(pad)}${'😀'.repeat(2_000)}` });
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
      expect(parsed(body).Reason).not.toMatch(LONE_SURROGATE);
    }
  });

  it('drops huge Data and says so in the Reason', () => {
    const body = buildResponseBody(event, { status: 'SUCCESS', physicalResourceId: ID, data: { Big: 'd'.repeat(5_000) } });
    expect(parsed(body)).toEqual({
      Status: 'SUCCESS',
      Reason: DROPPED,
      PhysicalResourceId: ID,
      StackId: STACK_ID,
      RequestId: 'req-1',
      LogicalResourceId: 'Pipeline',
    });
  });

  it('keeps the note about dropped Data when the Reason must be cut too', () => {
    const body = buildResponseBody(event, { status: 'FAILED', physicalResourceId: ID, reason: '失'.repeat(5_000), data: { Big: 'd'.repeat(5_000) } });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    const out = parsed(body);
    expect(out.Data).toBeUndefined();
    expect(out.Reason).toMatch(new RegExp(`^失+ \\[truncated\\] ${DROPPED.replace(/[()]/g, '\\$&')}$`));
  });

  it('keeps Data that fits and cuts the Reason instead', () => {
    const data = { A: 'a'.repeat(2_000) };
    const body = buildResponseBody(event, { status: 'FAILED', physicalResourceId: ID, reason: 'r'.repeat(5_000), data });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(parsed(body).Data).toEqual(data);
    expect(parsed(body).Reason).toMatch(/^r+ \[truncated\]$/);
  });

  it.each([0, 5, 11, 12, 13, 20, 40])('stays within 4096 bytes when Data leaves room for %d bytes beside a long Reason', (room) => {
    const empty = Buffer.byteLength(buildResponseBody(event, { status: 'FAILED', physicalResourceId: ID, reason: '', data: { A: '' } }));
    const data = { A: 'a'.repeat(MAX_RESPONSE_BYTES - empty - room) };
    const body = buildResponseBody(event, { status: 'FAILED', physicalResourceId: ID, reason: 'r'.repeat(100), data });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    const out = parsed(body);
    expect(typeof out.Reason).toBe('string');
    if (out.Data === undefined) expect(out.Reason).toContain(DROPPED);
    else expect(out.Data).toEqual(data);
  });
});

interface Received {
  method: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  url: string;
}

/** A real HTTP server on 127.0.0.1 that answers each request with the next status (the last repeats). */
async function responseServer(statuses: number[]) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks), url: req.url ?? '' });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/bucket/key?X-Amz-Signature=abc123secret`;
  return { server, received, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function fakeClock(): Clock & { sleeps: number[] } {
  let t = 0;
  const sleeps: number[] = [];
  return { sleeps, now: () => t, sleep: async (ms) => void (sleeps.push(ms), (t += ms)) };
}

const retry = (clock: Clock, extra: Partial<RetryOptions> = {}): RetryOptions => ({
  maxAttempts: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 10_000,
  clock,
  random: () => 0.5,
  ...extra,
});

describe('submitResponse against a real HTTP server', () => {
  let srv: Awaited<ReturnType<typeof responseServer>> | undefined;
  afterEach(async () => {
    await srv?.close();
    srv = undefined;
  });

  const body = JSON.stringify({ Status: 'FAILED', Reason: 'échec 失敗 🔥', PhysicalResourceId: ID });

  it('PUTs the body with an empty content-type and a byte-exact content-length', async () => {
    srv = await responseServer([200]);
    const clock = fakeClock();
    await submitResponse(srv.url, body, { retry: retry(clock) });
    expect(srv.received).toHaveLength(1);
    const [req] = srv.received;
    expect(req.method).toBe('PUT');
    expect(req.url).toBe('/bucket/key?X-Amz-Signature=abc123secret');
    expect(req.headers['content-type']).toBe('');
    expect(req.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(Buffer.byteLength(body)).toBeGreaterThan(body.length);
    expect(req.body.toString('utf8')).toBe(body);
    expect(req.headers['transfer-encoding']).toBeUndefined();
    expect(clock.sleeps).toEqual([]);
  });

  it('retries a 500 and a 429 with delays from the injected clock, then succeeds', async () => {
    srv = await responseServer([500, 429, 200]);
    const clock = fakeClock();
    await submitResponse(srv.url, body, { retry: retry(clock) });
    expect(srv.received.map((r) => r.body.toString())).toEqual([body, body, body]);
    expect(clock.sleeps).toEqual([500, 1_000]);
  });

  it('does not retry a 403 and keeps the URL out of the error', async () => {
    srv = await responseServer([403, 200]);
    const clock = fakeClock();
    const p = submitResponse(srv.url, body, { retry: retry(clock) });
    await expect(p).rejects.toThrow(new ResponseRejectedError(403));
    await expect(p).rejects.toThrow('CloudFormation response URL answered HTTP 403');
    await expect(p).rejects.not.toThrow('abc123secret');
    expect(srv.received).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('gives up after maxAttempts on a persistent 503 and rethrows the last answer', async () => {
    srv = await responseServer([503]);
    const clock = fakeClock();
    await expect(submitResponse(srv.url, body, { retry: retry(clock, { maxAttempts: 3 }) })).rejects.toThrow(new ResponseRejectedError(503));
    expect(srv.received).toHaveLength(3);
    expect(clock.sleeps).toEqual([500, 1_000]);
  });

  it('retries a refused connection', async () => {
    srv = await responseServer([200]);
    const url = srv.url;
    await srv.close();
    srv = undefined;
    const clock = fakeClock();
    await expect(submitResponse(url, body, { retry: retry(clock, { maxAttempts: 2 }) })).rejects.toThrow(/ECONNREFUSED/);
    expect(clock.sleeps).toEqual([500]);
  });
});

describe('httpPut', () => {
  it('rejects, instead of hanging, when the server drops the connection mid-answer', async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial', () => res.socket?.destroy());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(httpPut(`http://127.0.0.1:${port}/k`, '{}')).rejects.toThrow(/closed before the answer was complete|aborted|ECONNRESET/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 5_000);
});

describe('isRetryableResponseError', () => {
  it.each([
    [new ResponseRejectedError(500), true],
    [new ResponseRejectedError(503), true],
    [new ResponseRejectedError(429), true],
    [new ResponseRejectedError(400), false],
    [new ResponseRejectedError(403), false],
    [new ResponseRejectedError(404), false],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
  ])('%s -> %s', (err, retryable) => {
    expect(isRetryableResponseError(err)).toBe(retryable);
  });
});

// Keeps the ResponseOutcome type used so the shape stays in step with safe-handler.
const _outcome: ResponseOutcome = { status: 'SUCCESS', physicalResourceId: ID };
void _outcome;
