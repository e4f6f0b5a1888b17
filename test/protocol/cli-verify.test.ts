import { gzipSync } from 'node:zlib';
import { CreateStreamCommand, PutRecordCommand, waitUntilStreamExists, type KinesisClient } from '@aws-sdk/client-kinesis';
import { createClients, type DecoratableClient, type ServiceKey } from '../../src/aws/clients';
import { run } from '../../src/cli/main';
import { readStream } from '../../src/cli/verify/read-stream';
import { FakeAccount } from '../fake/account';
import { FakeClock } from '../fake/clock';
import { http1Handler, instantRetries } from '../fake/sdk';
import { STACK_ID } from '../lifecycle/harness';
import { bufferIo, EXTERNAL_ID, N, PARAM_FLAGS } from '../unit/cli/helpers';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION, startKinesalite, type RunningEmulator, emulatorClients } from './helpers/emulators';
import { cwlDelivery } from '../fake/stream-records';

let emulator: RunningEmulator;
let kinesis: KinesisClient;
const SECRET_MESSAGE = 'ACCEPT 10.0.0.7 secret-payload-not-to-print';

/** A CloudWatch Logs delivery as a subscription filter writes it: gzip-compressed JSON. */
const cwl = (logGroup: string, messages: string[], at: number, messageType = 'DATA_MESSAGE') =>
  cwlDelivery(
    logGroup,
    messages.map((message, i) => ({ timestamp: at + i, message })),
    messageType,
  );
/** An event as an EventBridge rule's Kinesis target writes it: the event's JSON. */
const event = (source: string, detailType: string, time: string) =>
  Buffer.from(
    JSON.stringify({
      version: '0',
      id: 'e-1',
      'detail-type': detailType,
      source,
      account: '123456789012',
      time,
      region: 'us-east-1',
      resources: [],
      detail: { severity: 5 },
    }),
  );

beforeAll(async () => {
  emulator = await startKinesalite();
  kinesis = emulatorClients(emulator).kinesis;
  await kinesis.send(new CreateStreamCommand({ StreamName: N.streamName, ShardCount: 2 }));
  await waitUntilStreamExists({ client: kinesis, minDelay: 0.01, maxDelay: 0.05, maxWaitTime: 10 }, { StreamName: N.streamName });
  const now = Date.now();
  const records: [string, Uint8Array][] = [
    ['a', cwl(N.cloudTrailLogGroup, ['{"eventName":"DescribeVpcs"}', '{"eventName":"ListBuckets"}'], now - 60_000)],
    ['b', cwl(N.flowLogGroup, [SECRET_MESSAGE, 'REJECT 1', 'ACCEPT 2'], now - 30_000)],
    ['c', cwl(N.flowLogGroup, ['CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.'], now, 'CONTROL_MESSAGE')],
    ['d', event('aws.guardduty', 'GuardDuty Finding', new Date(now - 10_000).toISOString())],
    ['e', event('aws.health', 'AWS Health Event', new Date(now).toISOString())],
    ['f', Buffer.from('not json at all')],
    ['g', gzipSync('{"truncated')],
  ];
  for (const [PartitionKey, Data] of records) await kinesis.send(new PutRecordCommand({ StreamName: N.streamName, PartitionKey, Data }));
});

afterAll(async () => {
  kinesis?.destroy();
  await emulator?.stop();
});

/** Kinesis goes to kinesalite; every other service (CloudTrail's trail-home lookup) to a fake account. */
function clientOptions(fake: FakeAccount) {
  return {
    endpoint: emulator.endpoint,
    credentials: EMULATOR_CREDENTIALS,
    retryStrategy: instantRetries(),
    requestHandler: http1Handler(),
    decorate: (client: DecoratableClient, service: ServiceKey) => {
      if (service !== 'kinesis') fake.decorate(client, service);
    },
  };
}

describe('verify against kinesalite', () => {
  it('counts records and events per source with the newest time, skips CONTROL_MESSAGE, counts unreadable records, warns for a silent source; prints no contents', async () => {
    const io = bufferIo();
    const code = await run(['verify', '--stack-id', STACK_ID, ...PARAM_FLAGS, '--minutes', '15'], io, {
      clientOptions: clientOptions(new FakeAccount()),
      clock: new FakeClock(Date.now()),
    });

    expect(io.out).toMatch(new RegExp(`^Stream ${N.streamName} in us-east-1: 7 record\\(s\\) from 2 shard\\(s\\) since `, 'm'));
    expect(io.out).toMatch(/^CloudTrail +yes +1 +2 +20\d\d-\d\d-\d\dT/m);
    expect(io.out).toMatch(/^VPC flow logs +yes +1 +3 +20\d\d-/m);
    expect(io.out).toMatch(/^GuardDuty +yes +1 +1 +20\d\d-/m);
    expect(io.out).toMatch(/^aws\.securityhub +yes +0 +0 +-$/m);
    expect(io.out).toContain('Other records: 1; control messages skipped: 1; unreadable records: 2');
    expect(io.out).toMatch(/^warning: aws\.securityhub is enabled in the stack but sent nothing since /m);
    expect(io.out).not.toContain('secret-payload');
    expect(io.out + io.err).not.toContain(EXTERNAL_ID);
    expect(code).toBe(1);
  });

  it('--sample N prints at most N events per source; --json carries the same counts', async () => {
    const io = bufferIo();
    await run(['verify', '--stack-id', STACK_ID, ...PARAM_FLAGS, '--sample', '1', '--json'], io, {
      clientOptions: clientOptions(new FakeAccount()),
      clock: new FakeClock(Date.now()),
    });
    const report = JSON.parse(io.out) as {
      sources: { source: string; records: number; events: number; samples?: string[] }[];
      unreadable: number;
      control: number;
    };
    expect(report.sources.find((s) => s.source === 'VPC flow logs')).toMatchObject({ records: 1, events: 3, samples: [SECRET_MESSAGE] });
    expect(report.sources.find((s) => s.source === 'aws.securityhub')).not.toHaveProperty('samples');
    expect(report).toMatchObject({ unreadable: 2, control: 1 });
  });

  it('readStream keeps to 5 GetRecords a second per shard on the injected clock and stops at the record cap', async () => {
    const clock = new FakeClock(Date.now());
    const calls: { command: string; at: number }[] = [];
    const traced = createClients({
      region: EMULATOR_REGION,
      endpoint: emulator.endpoint,
      credentials: EMULATOR_CREDENTIALS,
      retryStrategy: instantRetries(),
      requestHandler: http1Handler(),
      decorate: (client) =>
        client.middlewareStack.add(
          ((next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => async (args: unknown) => {
            calls.push({ command: ctx.commandName ?? '', at: clock.now() });
            return next(args);
          }) as never,
          { step: 'initialize', name: 'trace' } as never,
        ),
    }).kinesis;
    const limits = { maxRecords: 5, pageSize: 1, callsPerSecond: 5, maxThrottleRetries: 1 };

    const read = await readStream(traced, N.streamName, new Date(clock.now() - 15 * 60_000), clock, limits);

    expect(read).toMatchObject({ shards: 2, capped: true });
    expect(read.records).toHaveLength(5);
    // Per shard (the GetRecords calls after each GetShardIterator), calls are at least 200 ms apart.
    const perShard = calls
      .map((c) => c.command)
      .join(' ')
      .split('GetShardIteratorCommand')
      .slice(1);
    expect(perShard).toHaveLength(2);
    let last = -Infinity;
    let gaps: number[] = [];
    for (const c of calls) {
      if (c.command === 'GetShardIteratorCommand') last = -Infinity;
      if (c.command !== 'GetRecordsCommand') continue;
      gaps.push(c.at - last);
      last = c.at;
    }
    gaps = gaps.filter((g) => g !== Infinity);
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    expect(gaps.every((g) => g >= 200)).toBe(true);
    expect(clock.sleeps.every((ms) => ms <= 200)).toBe(true);
  });
});
