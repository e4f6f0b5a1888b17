import type { StreamDescriptionSummary } from '@aws-sdk/client-kinesis';
import { TAG_STACK } from '../../../../../src/config/names';
import { diffStreamFound, type StreamFound, type StreamWanted } from '../../../../../src/sources/core/stream/kinesis-stream';
import { streamOwnerTags } from '../../../../../src/components/stream-tags';

const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/siem/1';
const wanted: StreamWanted = { name: 'siem-demo', stackId: STACK, settings: { mode: 'PROVISIONED', shardCount: 2, retentionHours: 48 } };
const ours = streamOwnerTags({ [TAG_STACK]: STACK });
const summary = (over: Partial<StreamDescriptionSummary> = {}): StreamDescriptionSummary =>
  ({
    StreamStatus: 'ACTIVE',
    StreamModeDetails: { StreamMode: 'PROVISIONED' },
    OpenShardCount: 2,
    RetentionPeriodHours: 48,
    EncryptionType: 'KMS',
    ...over,
  }) as StreamDescriptionSummary;
const R = 'Kinesis stream siem-demo';

describe('stream diff (pure)', () => {
  it.each<[string, StreamFound, unknown[]]>([
    ['absent: create', {}, [{ kind: 'create', resource: R, description: 'create', action: 'create' }]],
    [
      'being deleted: create after the deletion',
      { summary: summary({ StreamStatus: 'DELETING' }) },
      [{ kind: 'create', resource: R, description: 'wait for its deletion to end, then create', action: 'create' }],
    ],
    ['as desired: nothing', { summary: summary(), tags: ours }, []],
    [
      'another stack: conflict',
      { summary: summary(), tags: streamOwnerTags({ [TAG_STACK]: 'other' }) },
      [expect.objectContaining({ kind: 'conflict', resource: R })],
    ],
    ['still CREATING, as desired: nothing (ensure waits for it, then diffs again)', { summary: summary({ StreamStatus: 'CREATING' }), tags: ours }, []],
    [
      'retention and encryption differ: one update each, from -> to',
      { summary: summary({ RetentionPeriodHours: 24, EncryptionType: 'NONE' }), tags: ours },
      [
        {
          kind: 'update',
          resource: R,
          description: 'retentionHours 24 -> 48',
          fields: [{ field: 'retentionHours', from: 24, to: 48 }],
          difference: { setting: 'retentionHours', current: 24, desired: 48 },
          action: [{ type: 'IncreaseStreamRetentionPeriod', hours: 48 }],
        },
        {
          kind: 'update',
          resource: R,
          description: 'encryption NONE -> KMS',
          fields: [{ field: 'encryption', from: 'NONE', to: 'KMS' }],
          difference: { setting: 'encryption', current: 'NONE', desired: 'KMS' },
          action: [{ type: 'StartStreamEncryption' }],
        },
      ],
    ],
    [
      'on-demand to 2 shards: the mode switch, then the shard steps from the open count',
      { summary: summary({ StreamModeDetails: { StreamMode: 'ON_DEMAND' }, OpenShardCount: 4 }), tags: ours },
      [
        expect.objectContaining({
          kind: 'update',
          fields: [{ field: 'mode', from: 'ON_DEMAND', to: 'PROVISIONED' }],
          action: [{ type: 'UpdateStreamMode', mode: 'PROVISIONED' }],
        }),
        expect.objectContaining({ kind: 'update', fields: [{ field: 'shardCount', from: 4, to: 2 }], action: [{ type: 'UpdateShardCount', from: 4, to: 2 }] }),
      ],
    ],
  ])('%s', (_name, current, changes) => {
    expect(diffStreamFound(current, wanted)).toEqual(changes);
  });
});
