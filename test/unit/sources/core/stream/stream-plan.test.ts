import {
  planStreamChanges,
  shardSteps,
  streamDifferences,
  type DesiredStream,
  type StreamAction,
  type StreamState,
} from '../../../../../src/sources/core/stream/stream-plan';

const live = (over: Partial<StreamState> = {}): StreamState => ({
  mode: 'PROVISIONED',
  openShardCount: 1,
  retentionHours: 24,
  encryption: 'KMS',
  ...over,
});
const want = (over: Partial<DesiredStream> = {}): DesiredStream => ({ mode: 'PROVISIONED', shardCount: 1, retentionHours: 24, ...over });

describe('shardSteps', () => {
  it.each([
    [1, 5, [2, 4, 5]],
    [8, 1, [4, 2, 1]],
    [5, 1, [3, 2, 1]],
    [1, 2, [2]],
    [3, 4, [4]],
    [4, 3, [3]],
    [2, 2, []],
    [1, 500, [2, 4, 8, 16, 32, 64, 128, 256, 500]],
    [7, 2, [4, 2]],
  ])('%i -> %i shards goes through %j', (from, to, counts) => {
    const steps = shardSteps(from, to);
    expect(steps.map((s) => (s.type === 'UpdateShardCount' ? s.to : NaN))).toEqual(counts);
  });

  it.each([
    [1, 37],
    [64, 1],
    [9, 500],
    [500, 3],
  ])('every step from %i to %i stays within the limits UpdateShardCount accepts', (from, to) => {
    for (const step of shardSteps(from, to)) {
      if (step.type !== 'UpdateShardCount') throw new Error(`unexpected ${step.type}`);
      expect(step.to).toBeLessThanOrEqual(step.from * 2);
      expect(step.to).toBeGreaterThanOrEqual(step.from / 2);
    }
  });

  it('records where each step starts, so the log shows the whole path', () => {
    expect(shardSteps(1, 5)).toEqual([
      { type: 'UpdateShardCount', from: 1, to: 2 },
      { type: 'UpdateShardCount', from: 2, to: 4 },
      { type: 'UpdateShardCount', from: 4, to: 5 },
    ]);
  });
});

describe('planStreamChanges', () => {
  it.each<[string, StreamState, DesiredStream, StreamAction[]]>([
    ['nothing when the stream is as desired', live(), want(), []],
    [
      'nothing for an on-demand stream as desired, whatever its shard count',
      live({ mode: 'ON_DEMAND', openShardCount: 4 }),
      want({ mode: 'ON_DEMAND', shardCount: 1 }),
      [],
    ],
    [
      'shard steps up',
      live(),
      want({ shardCount: 5 }),
      [
        { type: 'UpdateShardCount', from: 1, to: 2 },
        { type: 'UpdateShardCount', from: 2, to: 4 },
        { type: 'UpdateShardCount', from: 4, to: 5 },
      ],
    ],
    [
      'shard steps down',
      live({ openShardCount: 8 }),
      want({ shardCount: 1 }),
      [
        { type: 'UpdateShardCount', from: 8, to: 4 },
        { type: 'UpdateShardCount', from: 4, to: 2 },
        { type: 'UpdateShardCount', from: 2, to: 1 },
      ],
    ],
    [
      'switch to on-demand drops the shard count',
      live({ openShardCount: 2 }),
      want({ mode: 'ON_DEMAND', shardCount: 7 }),
      [{ type: 'UpdateStreamMode', mode: 'ON_DEMAND' }],
    ],
    [
      'switch to provisioned first, then scale from the count on-demand left',
      live({ mode: 'ON_DEMAND', openShardCount: 4 }),
      want({ shardCount: 1 }),
      [
        { type: 'UpdateStreamMode', mode: 'PROVISIONED' },
        { type: 'UpdateShardCount', from: 4, to: 2 },
        { type: 'UpdateShardCount', from: 2, to: 1 },
      ],
    ],
    [
      'switch to provisioned at the count it already has',
      live({ mode: 'ON_DEMAND', openShardCount: 4 }),
      want({ shardCount: 4 }),
      [{ type: 'UpdateStreamMode', mode: 'PROVISIONED' }],
    ],
    ['retention up', live(), want({ retentionHours: 168 }), [{ type: 'IncreaseStreamRetentionPeriod', hours: 168 }]],
    ['retention down', live({ retentionHours: 168 }), want({ retentionHours: 24 }), [{ type: 'DecreaseStreamRetentionPeriod', hours: 24 }]],
    ['encryption when there is none', live({ encryption: 'NONE' }), want(), [{ type: 'StartStreamEncryption' }]],
    [
      'everything at once, mode first and encryption last',
      live({ mode: 'ON_DEMAND', openShardCount: 2, retentionHours: 48, encryption: 'NONE' }),
      want({ shardCount: 3, retentionHours: 24 }),
      [
        { type: 'UpdateStreamMode', mode: 'PROVISIONED' },
        { type: 'UpdateShardCount', from: 2, to: 3 },
        { type: 'DecreaseStreamRetentionPeriod', hours: 24 },
        { type: 'StartStreamEncryption' },
      ],
    ],
  ])('%s', (_name, current, desired, expected) => {
    expect(planStreamChanges(current, desired)).toEqual(expected);
  });

  it('is pure: the inputs are not changed', () => {
    const current = live({ openShardCount: 8, encryption: 'NONE' });
    const desired = want({ shardCount: 2 });
    const before = JSON.stringify([current, desired]);
    planStreamChanges(current, desired);
    expect(JSON.stringify([current, desired])).toBe(before);
  });
});

describe('streamDifferences', () => {
  it.each<[string, StreamState, DesiredStream, ReturnType<typeof streamDifferences>]>([
    ['none', live(), want(), []],
    ['shard count', live({ openShardCount: 3 }), want({ shardCount: 2 }), [{ setting: 'shardCount', current: 3, desired: 2 }]],
    ['on-demand ignores the shard count', live({ mode: 'ON_DEMAND', openShardCount: 3 }), want({ mode: 'ON_DEMAND' }), []],
    [
      'mode, retention and encryption',
      live({ mode: 'ON_DEMAND', openShardCount: 1, retentionHours: 48, encryption: 'NONE' }),
      want(),
      [
        { setting: 'mode', current: 'ON_DEMAND', desired: 'PROVISIONED' },
        { setting: 'retentionHours', current: 48, desired: 24 },
        { setting: 'encryption', current: 'NONE', desired: 'KMS' },
      ],
    ],
  ])('%s', (_name, current, desired, expected) => {
    expect(streamDifferences(current, desired)).toEqual(expected);
  });
});
