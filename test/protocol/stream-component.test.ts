import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  ListTagsForStreamCommand,
  waitUntilStreamExists,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { createClients } from '../../src/aws/clients';
import { OwnershipConflictError } from '../../src/support/errors';
import { STREAM_KMS_KEY, streamComponent } from '../../src/sources/core/stream/kinesis-stream';
import { streamOwnerTags } from '../../src/components/stream-tags';
import { createTestContext, testConfig } from '../unit/helpers/context';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION, startKinesalite, type RunningEmulator } from './helpers/emulators';
import { kinesaliteGaps, type KinesaliteBridge } from './helpers/kinesalite-gaps';
import { http1Handler } from '../fake/sdk';

/** Waiter settings in seconds: kinesalite changes state within milliseconds. */
const WAITS = { minDelay: 0.01, maxDelay: 0.05, maxWaitTime: 10 };

let emulator: RunningEmulator;
/** A client without the bridge: what kinesalite itself holds. */
let direct: KinesisClient;
const opened: KinesisClient[] = [];

beforeAll(async () => {
  emulator = await startKinesalite();
  direct = createClients({ region: EMULATOR_REGION, endpoint: emulator.endpoint, requestHandler: http1Handler(), credentials: EMULATOR_CREDENTIALS }).kinesis;
});

afterAll(async () => {
  for (const client of [direct, ...opened]) client?.destroy();
  await emulator?.stop();
});

/** A PipelineContext whose SDK clients talk to kinesalite over HTTP/1.1, with the gap bridge recording each call. */
function kinesaliteContext(pipelineName: string): { ctx: ReturnType<typeof createTestContext>['ctx']; bridge: KinesaliteBridge } {
  const bridge = kinesaliteGaps();
  const { ctx } = createTestContext({
    pipelineName,
    region: EMULATOR_REGION,
    waits: WAITS,
    clientOptions: {
      endpoint: emulator.endpoint,
      requestHandler: http1Handler(),
      credentials: EMULATOR_CREDENTIALS,
      maxAttempts: 1,
      decorate: bridge.decorate,
    },
  });
  opened.push(ctx.clients.kinesis);
  return { ctx, bridge };
}

async function summary(streamName: string) {
  return (await direct.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))).StreamDescriptionSummary;
}

const writes = (bridge: KinesaliteBridge, from: number) =>
  bridge
    .writes()
    .slice(from)
    .map((c) => c.command);

describe('stream component (ensure / remove / inspect) against kinesalite', () => {
  it('ensure creates a tagged 1-shard PROVISIONED stream, waits for ACTIVE, encrypts it; a second ensure changes nothing', async () => {
    const { ctx, bridge } = kinesaliteContext('proto-create');
    const config = testConfig({ PipelineName: 'proto-create' });

    const outputs = await streamComponent.ensure(config, ctx);

    expect(outputs).toEqual({
      StreamName: 'siem-proto-create',
      StreamArn: expect.stringMatching(/^arn:aws:kinesis:us-east-1:\d{12}:stream\/siem-proto-create$/),
    });
    expect(bridge.writes()).toEqual([
      {
        command: 'CreateStream',
        input: { StreamName: 'siem-proto-create', ShardCount: 1, StreamModeDetails: { StreamMode: 'PROVISIONED' }, Tags: streamOwnerTags(ctx.tags) },
      },
      { command: 'StartStreamEncryption', input: { StreamName: 'siem-proto-create', EncryptionType: 'KMS', KeyId: STREAM_KMS_KEY } },
    ]);
    expect(await summary('siem-proto-create')).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 1, RetentionPeriodHours: 24 });
    expect(await streamComponent.inspect(config, ctx)).toMatchObject({ state: 'present' });

    const before = bridge.writes().length;
    await expect(streamComponent.ensure(config, ctx)).resolves.toEqual(outputs);
    expect(writes(bridge, before)).toEqual([]);
  });

  it('ensure changes retention in place (48 h, then back to 24 h) and inspect reports the drift before', async () => {
    const { ctx, bridge } = kinesaliteContext('proto-retention');
    await streamComponent.ensure(testConfig({ PipelineName: 'proto-retention' }), ctx);
    const longer = testConfig({ PipelineName: 'proto-retention', RetentionHours: '48' });

    expect(await streamComponent.inspect(longer, ctx)).toMatchObject({
      state: 'drifted',
      details: { differences: [{ setting: 'retentionHours', current: 24, desired: 48 }] },
    });
    let before = bridge.writes().length;
    await streamComponent.ensure(longer, ctx);
    expect(bridge.writes().slice(before)).toEqual([
      { command: 'IncreaseStreamRetentionPeriod', input: { StreamName: 'siem-proto-retention', RetentionPeriodHours: 48 } },
    ]);
    expect(await summary('siem-proto-retention')).toMatchObject({ StreamStatus: 'ACTIVE', RetentionPeriodHours: 48 });

    before = bridge.writes().length;
    await streamComponent.ensure(testConfig({ PipelineName: 'proto-retention' }), ctx);
    expect(bridge.writes().slice(before)).toEqual([
      { command: 'DecreaseStreamRetentionPeriod', input: { StreamName: 'siem-proto-retention', RetentionPeriodHours: 24 } },
    ]);
    expect(await summary('siem-proto-retention')).toMatchObject({ StreamStatus: 'ACTIVE', RetentionPeriodHours: 24 });
  });

  it('remove deletes our stream and waits until it is gone; a second remove is a no-op', async () => {
    const { ctx, bridge } = kinesaliteContext('proto-remove');
    const config = testConfig({ PipelineName: 'proto-remove' });
    await streamComponent.ensure(config, ctx);

    let before = bridge.writes().length;
    await streamComponent.remove(config, ctx);
    expect(bridge.writes().slice(before)).toEqual([{ command: 'DeleteStream', input: { StreamName: 'siem-proto-remove', EnforceConsumerDeletion: true } }]);
    await expect(summary('siem-proto-remove')).rejects.toThrow(expect.objectContaining({ name: 'ResourceNotFoundException' }));
    expect(await streamComponent.inspect(config, ctx)).toEqual({ state: 'absent' });

    before = bridge.writes().length;
    await streamComponent.remove(config, ctx);
    expect(writes(bridge, before)).toEqual([]);
  });

  it('a stream with our name that this stack did not tag is never adopted, changed or deleted', async () => {
    await direct.send(new CreateStreamCommand({ StreamName: 'siem-proto-foreign', ShardCount: 2 }));
    await waitUntilStreamExists({ client: direct, ...WAITS }, { StreamName: 'siem-proto-foreign' });
    const { ctx, bridge } = kinesaliteContext('proto-foreign');
    const config = testConfig({ PipelineName: 'proto-foreign' });

    await expect(streamComponent.ensure(config, ctx)).rejects.toThrow(OwnershipConflictError);
    await streamComponent.remove(config, ctx);

    expect(bridge.writes()).toEqual([]);
    expect(bridge.bridged).toEqual([]);
    expect(await summary('siem-proto-foreign')).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 2, RetentionPeriodHours: 24 });
    expect(await streamComponent.inspect(config, ctx)).toMatchObject({
      state: 'absent',
      details: { conflict: expect.stringContaining('not managed by this stack') },
    });
  });
});

describe('stream tags against kinesalite (an independent Kinesis implementation)', () => {
  it('refuses our ownership tags with their colons, and takes them in the spelling the stream component writes', async () => {
    const { ctx } = kinesaliteContext('proto-tags');
    await direct.send(new CreateStreamCommand({ StreamName: 'siem-proto-tags', ShardCount: 1 }));
    await waitUntilStreamExists({ client: direct, ...WAITS }, { StreamName: 'siem-proto-tags' });
    await expect(direct.send(new AddTagsToStreamCommand({ StreamName: 'siem-proto-tags', Tags: ctx.tags }))).rejects.toMatchObject({
      name: 'InvalidArgumentException',
    });
    await direct.send(new AddTagsToStreamCommand({ StreamName: 'siem-proto-tags', Tags: streamOwnerTags(ctx.tags) }));
    const listed = await direct.send(new ListTagsForStreamCommand({ StreamName: 'siem-proto-tags' }));
    expect(Object.fromEntries((listed.Tags ?? []).map((t) => [t.Key, t.Value]))).toEqual(streamOwnerTags(ctx.tags));
  });
});
