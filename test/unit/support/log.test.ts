import { createLogger, parseLogLevel, redact, REDACTED, type LogLevel } from '../../../src/support/log';

const NOW = new Date('2026-01-02T03:04:05.678Z');
const SIGNED_URL =
  'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws/abc?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20260102&X-Amz-Signature=deadbeef';

function capture(level?: LogLevel) {
  const lines: string[] = [];
  const log = createLogger({ sink: (l) => lines.push(l), now: () => NOW, ...(level ? { level } : {}) });
  return { log, lines, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('redact', () => {
  it.each([
    'ResponseURL',
    'responseUrl',
    'SecretString',
    'secretAccessKey',
    'password',
    'SiemExternalId',
    'externalId',
    'AccessKeyId',
    'SessionToken',
    'Credentials',
    'authorization',
    'X-Amz-Signature',
  ])('replaces the value of key %s', (key) => {
    expect(redact({ [key]: 'value', keep: 'yes' })).toEqual({ [key]: REDACTED, keep: 'yes' });
  });

  it('redacts secret keys at any depth, inside arrays too, and replaces whole objects under a secret key', () => {
    const input = {
      a: { b: { c: [{ d: { SecretAccessKey: 'wJalr', name: 'ok' } }] } },
      Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 'wJalr' },
      list: [{ ExternalId: 'ext' }, 'plain'],
    };
    expect(redact(input)).toEqual({
      a: { b: { c: [{ d: { SecretAccessKey: REDACTED, name: 'ok' } }] } },
      Credentials: REDACTED,
      list: [{ ExternalId: REDACTED }, 'plain'],
    });
  });

  it.each([
    ['a pre-signed URL', SIGNED_URL],
    ['a sentence with a pre-signed URL', `PUT to ${SIGNED_URL} failed`],
    ['a SigV2 URL', 'https://bucket.s3.amazonaws.com/key?AWSAccessKeyId=AKIA&Expires=1&Signature=abc'],
    ['an X-Amz-Credential query', 'https://h/p?X-Amz-Credential=AKIA'],
  ])('redacts %s in a value under any key', (_what, value) => {
    expect(redact({ url: value, nested: [{ note: value }] })).toEqual({ url: REDACTED, nested: [{ note: REDACTED }] });
  });

  it('turns Error objects into name and message, redacting the message and dropping the stack', () => {
    const err = new TypeError(`could not PUT ${SIGNED_URL}`);
    expect(redact({ error: err, other: new RangeError('plain') })).toEqual({
      error: { name: 'TypeError', message: REDACTED },
      other: { name: 'RangeError', message: 'plain' },
    });
  });

  it('leaves plain values alone and survives cycles', () => {
    expect(redact({ n: 1, b: true, s: 'x', z: null, u: undefined })).toEqual({ n: 1, b: true, s: 'x', z: null, u: undefined });
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(JSON.stringify(redact(cyclic))).toContain('"name":"loop"');
  });
});

describe('createLogger', () => {
  it('writes one JSON line with the fixed keys, context and fields', () => {
    const { log, entries } = capture();
    log.info('stream created', { stream: 'siem-prod', ms: 12 });
    expect(entries()).toEqual([{ level: 'info', timestamp: '2026-01-02T03:04:05.678Z', message: 'stream created', stream: 'siem-prod', ms: 12 }]);
  });

  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ] as const)('at level %s writes %j', (level, written) => {
    const { log, entries } = capture(level);
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(entries().map((e) => e.level)).toEqual(written);
  });

  it('defaults to info', () => {
    const { log, entries } = capture();
    log.debug('hidden');
    log.info('shown');
    expect(entries().map((e) => e.message)).toEqual(['shown']);
  });

  it('adds child context to every line, nested children merge, the parent is unchanged', () => {
    const { log, entries } = capture();
    const child = log.child({ requestId: 'r1', stage: 'a' });
    const grandchild = child.child({ stage: 'b', component: 'stream' });
    grandchild.warn('slow', { ms: 5 });
    child.info('child');
    log.info('parent');
    expect(entries()).toEqual([
      { level: 'warn', timestamp: NOW.toISOString(), message: 'slow', requestId: 'r1', stage: 'b', component: 'stream', ms: 5 },
      { level: 'info', timestamp: NOW.toISOString(), message: 'child', requestId: 'r1', stage: 'a' },
      { level: 'info', timestamp: NOW.toISOString(), message: 'parent' },
    ]);
  });

  it('keeps level, timestamp and message even when fields or context reuse those keys', () => {
    const { log, entries } = capture();
    log.child({ level: 'ctx', message: 'ctx' }).error('real message', { message: 'field', timestamp: 'never', level: 'debug' });
    expect(entries()).toEqual([{ level: 'error', timestamp: NOW.toISOString(), message: 'real message' }]);
  });

  it('never writes secrets from fields, context or the message', () => {
    const { log, lines } = capture();
    log.child({ ResponseURL: SIGNED_URL }).info(`sending to ${SIGNED_URL}`, {
      props: { SiemExternalId: 'ext-secret-123', SecretString: '{"k":"wJalrXUtnFEMI"}' },
      error: new Error(`boom at ${SIGNED_URL}`),
    });
    expect(lines).toHaveLength(1);
    for (const secret of ['X-Amz-Signature', 'deadbeef', 'ext-secret-123', 'wJalrXUtnFEMI']) expect(lines[0]).not.toContain(secret);
    expect(JSON.parse(lines[0])).toEqual({
      level: 'info',
      timestamp: NOW.toISOString(),
      message: REDACTED,
      ResponseURL: REDACTED,
      props: { SiemExternalId: REDACTED, SecretString: REDACTED },
      error: { name: 'Error', message: REDACTED },
    });
  });
});

describe('parseLogLevel', () => {
  it.each([
    ['debug', 'debug'],
    ['DEBUG', 'debug'],
    ['Warn', 'warn'],
    ['error', 'error'],
    ['verbose', 'info'],
    ['', 'info'],
    [undefined, 'info'],
    ['constructor', 'info'],
  ])('%j -> %s', (value, level) => {
    expect(parseLogLevel(value)).toBe(level);
  });
});
