import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { RetryOptions } from '../../../../src/aws/retry';
import { ResponseRejectedError } from '../../../../src/handlers/cfn/response';
import { RequestFailedError, requestSummary, safeHandler, type RequestWork, type SafeHandlerOptions } from '../../../../src/handlers/cfn/safe-handler';
import { parseConfig } from '../../../../src/sources/parse';
import { createLogger } from '../../../../src/support/log';
import { createEvent, deleteEvent, RESPONSE_URL, STACK_ID, updateEvent } from './events';

const ID = 'siem-pipeline/123456789012/eu-west-1/prod';
const EXTERNAL_ID = 'ext-id-Very-Secret-7781';
const SECRET_PROPS = { PipelineName: 'prod', SiemAccess: 'CrossAccountRole', SiemAccountId: '210987654321', SiemExternalId: EXTERNAL_ID };

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Everything one handler run produced: the PUTs (url + parsed body) and the log lines. */
function harness(work: RequestWork, extra: Partial<SafeHandlerOptions> = {}, putImpl?: (url: string, body: string) => Promise<void>) {
  const lines: string[] = [];
  const puts: { url: string; body: Record<string, unknown>; raw: string }[] = [];
  const put = jest.fn(async (url: string, body: string) => {
    puts.push({ url, body: JSON.parse(body) as Record<string, unknown>, raw: body });
    if (putImpl) await putImpl(url, body);
  });
  const sleeps: number[] = [];
  const responseRetry: RetryOptions = {
    maxAttempts: 3,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    random: () => 0.5,
    clock: { now: () => 0, sleep: async (ms) => void sleeps.push(ms) },
  };
  const handler = safeHandler(work, { log: createLogger({ sink: (l) => lines.push(l), level: 'debug' }), put, responseRetry, ...extra });
  return { handler, put, puts, lines, sleeps };
}

/** A Lambda context with `ms` left from now, measured on the real clock. */
function contextWithRemaining(ms: number) {
  const deadline = Date.now() + ms;
  return { getRemainingTimeInMillis: () => deadline - Date.now() };
}
const plenty = { getRemainingTimeInMillis: () => 900_000 };

const responseFields = { StackId: STACK_ID, RequestId: 'req-1', LogicalResourceId: 'Pipeline' };

describe('safeHandler', () => {
  it('sends one SUCCESS response with the id and data from the work', async () => {
    const work = jest.fn(async (_event: CloudFormationCustomResourceEvent) => ({ physicalResourceId: ID, data: { StreamName: 'siem-prod' } }));
    const h = harness(work);
    const event = createEvent({ PipelineName: 'prod' });
    await expect(h.handler(event, plenty)).resolves.toBeUndefined();
    expect(work.mock.calls.map(([e]) => e)).toEqual([event]);
    expect(h.puts).toEqual([
      { url: RESPONSE_URL, raw: expect.any(String), body: { Status: 'SUCCESS', PhysicalResourceId: ID, Data: { StreamName: 'siem-prod' }, ...responseFields } },
    ]);
  });

  it('turns an exception into FAILED with the error as Reason (Create: fallback id)', async () => {
    const h = harness(
      async () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      },
      { fallbackPhysicalId: (e) => `fallback/${e.LogicalResourceId}` },
    );
    await h.handler(createEvent({ PipelineName: 'prod' }), plenty);
    expect(h.puts.map((p) => p.body)).toEqual([
      { Status: 'FAILED', Reason: 'ThrottlingException: Rate exceeded', PhysicalResourceId: 'fallback/Pipeline', ...responseFields },
    ]);
  });

  it('reports the physical id a RequestFailedError carries and describes its cause', async () => {
    const h = harness(
      async () => {
        throw new RequestFailedError(ID, new TypeError('bad'));
      },
      { fallbackPhysicalId: () => 'never-used' },
    );
    await h.handler(createEvent({ PipelineName: 'prod' }), plenty);
    expect(h.puts.map((p) => p.body)).toEqual([{ Status: 'FAILED', Reason: 'TypeError: bad', PhysicalResourceId: ID, ...responseFields }]);
  });

  it.each([
    ['Create, with no fallbackPhysicalId option', createEvent({}), {}, 'Pipeline-failed'],
    ['Update', updateEvent('old/id', { PipelineName: 'prod' }, { PipelineName: 'prod' }), { fallbackPhysicalId: () => 'never' }, 'old/id'],
    ['Delete', deleteEvent('old/id', {}), { fallbackPhysicalId: () => 'never' }, 'old/id'],
  ] as [string, CloudFormationCustomResourceEvent, Partial<SafeHandlerOptions>, string][])(
    'without a RequestFailedError a failed %s reports %s',
    async (_what, event, extra, expectedId) => {
      const h = harness(async () => {
        throw new Error('boom');
      }, extra);
      await h.handler(event, plenty);
      expect(h.puts.map((p) => [p.body.Status, p.body.PhysicalResourceId, p.body.Reason])).toEqual([['FAILED', expectedId, 'Error: boom']]);
    },
  );

  it('responds FAILED when the work throws synchronously instead of rejecting', async () => {
    const h = harness(
      (): never => {
        throw new Error('sync boom');
      },
      { fallbackPhysicalId: () => 'fallback' },
    );
    await expect(h.handler(createEvent({}), plenty)).resolves.toBeUndefined();
    expect(h.puts.map((p) => [p.body.Status, p.body.PhysicalResourceId, p.body.Reason])).toEqual([['FAILED', 'fallback', 'Error: sync boom']]);
  });

  it('responds even when fallbackPhysicalId itself throws', async () => {
    const h = harness(
      async () => {
        throw new Error('boom');
      },
      {
        fallbackPhysicalId: () => {
          throw new Error('no id');
        },
      },
    );
    await expect(h.handler(createEvent({}), plenty)).resolves.toBeUndefined();
    expect(h.puts.map((p) => [p.body.Status, p.body.PhysicalResourceId])).toEqual([['FAILED', 'Pipeline-failed']]);
  });

  describe('a refused ResponseURL', () => {
    it('runs no work, sends nothing, never throws, and logs why without the URL', async () => {
      const work = jest.fn(async () => ({ physicalResourceId: ID }));
      const h = harness(work, { responseUrlProblem: () => 'the ResponseURL uses http, not https' });
      const event = { ...createEvent({ PipelineName: 'prod' }), ResponseURL: 'http://collector.example/x?X-Amz-Signature=forged' };

      await expect(h.handler(event, plenty)).resolves.toBeUndefined();

      expect(work).not.toHaveBeenCalled();
      expect(h.put).not.toHaveBeenCalled();
      const logged = h.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(logged).toContainEqual(
        expect.objectContaining({ level: 'error', message: 'request refused: no response sent, nothing done', reason: 'the ResponseURL uses http, not https' }),
      );
      expect(h.lines.join('\n')).not.toContain('collector.example');
    });

    it('is asked about the event it answers', async () => {
      const check = jest.fn(() => undefined);
      const h = harness(async () => ({ physicalResourceId: ID }), { responseUrlProblem: check });
      const event = createEvent({ PipelineName: 'prod' });
      await h.handler(event, plenty);
      expect(check.mock.calls).toEqual([[event]]);
      expect(h.puts).toHaveLength(1);
    });
  });

  describe('timeout guard (real timers, small numbers)', () => {
    it('responds FAILED before the remaining time runs out when the work hangs, and only once', async () => {
      const hung = deferred<{ physicalResourceId: string }>();
      const context = contextWithRemaining(1_500);
      const remainingAtPut: number[] = [];
      const h = harness(
        () => hung.promise,
        { timeoutMarginMs: 1_400, fallbackPhysicalId: () => ID },
        async () => {
          remainingAtPut.push(context.getRemainingTimeInMillis());
        },
      );
      await expect(h.handler(createEvent({ PipelineName: 'prod' }), context)).resolves.toBeUndefined();
      expect(h.puts.map((p) => p.body)).toEqual([
        { Status: 'FAILED', Reason: 'Timed out: the Create did not finish within 0 s', PhysicalResourceId: ID, ...responseFields },
      ]);
      expect(remainingAtPut).toHaveLength(1);
      expect(remainingAtPut[0]).toBeGreaterThan(0);

      // the work finishing later sends nothing more
      hung.resolve({ physicalResourceId: ID });
      await new Promise((r) => setImmediate(r));
      expect(h.put).toHaveBeenCalledTimes(1);
    });

    it('ignores a late rejection of the hung work', async () => {
      const hung = deferred<{ physicalResourceId: string }>();
      const h = harness(() => hung.promise, { timeoutMarginMs: 1_950 });
      const event = updateEvent(ID, { PipelineName: 'prod' }, { PipelineName: 'prod' });
      await h.handler(event, contextWithRemaining(2_000));
      hung.reject(new Error('late'));
      await new Promise((r) => setImmediate(r));
      expect(h.puts.map((p) => [p.body.Status, p.body.PhysicalResourceId, p.body.Reason])).toEqual([
        ['FAILED', ID, 'Timed out: the Update did not finish within 0 s'],
      ]);
    });

    it('responds at once when the margin exceeds the remaining time', async () => {
      const h = harness(() => new Promise(() => undefined), { timeoutMarginMs: 5_000 });
      await h.handler(deleteEvent(ID, {}), { getRemainingTimeInMillis: () => 1_000 });
      expect(h.puts.map((p) => [p.body.Status, p.body.PhysicalResourceId])).toEqual([['FAILED', ID]]);
    });

    it('lets work that finishes in time win', async () => {
      const h = harness(async () => ({ physicalResourceId: ID }), { timeoutMarginMs: 100 });
      await h.handler(createEvent({}), contextWithRemaining(60_000));
      expect(h.puts.map((p) => p.body.Status)).toEqual(['SUCCESS']);
    });
  });

  describe('when the response cannot be sent', () => {
    it('never throws: a 403 is logged once and not retried', async () => {
      const h = harness(
        async () => ({ physicalResourceId: ID }),
        {},
        async () => {
          throw new ResponseRejectedError(403);
        },
      );
      await expect(h.handler(createEvent({}), plenty)).resolves.toBeUndefined();
      expect(h.put).toHaveBeenCalledTimes(1);
      const errors = h.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.level === 'error');
      expect(errors).toEqual([
        expect.objectContaining({
          message: 'response could not be sent',
          status: 'SUCCESS',
          error: 'ResponseRejectedError: CloudFormation response URL answered HTTP 403',
        }),
      ]);
    });

    it('never throws: a network error is retried on the injected clock, then logged', async () => {
      const h = harness(
        async () => ({ physicalResourceId: ID }),
        {},
        async () => {
          throw new Error('socket hang up');
        },
      );
      await expect(h.handler(createEvent({}), plenty)).resolves.toBeUndefined();
      expect(h.put).toHaveBeenCalledTimes(3);
      expect(h.sleeps).toEqual([50, 100]);
    });
  });

  describe('logs', () => {
    const SIGNATURE = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

    it.each([
      ['a success', async () => ({ physicalResourceId: ID })],
      ['a failure', async () => Promise.reject(new Error('boom'))],
      [
        'invalid properties with a bad ExternalId',
        async (e: CloudFormationCustomResourceEvent) => {
          parseConfig({ ...e.ResourceProperties, ServiceToken: undefined, SiemExternalId: `${EXTERNAL_ID} !` });
          return { physicalResourceId: ID };
        },
      ],
      [
        'work that logs the whole event',
        async (e: CloudFormationCustomResourceEvent, log: Parameters<RequestWork>[1]) => {
          log.info('event', { event: e });
          return { physicalResourceId: ID };
        },
      ],
    ] as [string, RequestWork][])('never contain the ResponseURL or secret properties (%s)', async (_what, work) => {
      const h = harness(work, { fallbackPhysicalId: () => ID }, async (url) => {
        throw new Error(`PUT ${url} failed`);
      });
      await h.handler(createEvent(SECRET_PROPS), plenty);
      expect(h.lines.length).toBeGreaterThan(0);
      const all = h.lines.join('\n');
      expect(all).not.toContain(SIGNATURE);
      expect(all).not.toContain('X-Amz-Signature');
      expect(all).not.toContain(EXTERNAL_ID);
      expect(all).not.toContain('cloudformation-custom-resource-response');
      for (const p of h.puts) expect(p.raw).not.toContain(EXTERNAL_ID);
    });

    it('carries the request context on every line', async () => {
      const h = harness(async () => ({ physicalResourceId: ID }));
      await h.handler(createEvent({ PipelineName: 'prod' }), plenty);
      const entries = h.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(entries.map((e) => e.message)).toEqual(['request received', 'response sent']);
      for (const e of entries) expect(e).toMatchObject({ requestType: 'Create', requestId: 'req-1', logicalResourceId: 'Pipeline', stackId: STACK_ID });
    });
  });
});

describe('requestSummary', () => {
  it('keeps only what is safe to log', () => {
    expect(requestSummary(updateEvent(ID, SECRET_PROPS, SECRET_PROPS))).toEqual({
      requestType: 'Update',
      requestId: 'req-1',
      logicalResourceId: 'Pipeline',
      stackId: STACK_ID,
      physicalResourceId: ID,
    });
  });
});
