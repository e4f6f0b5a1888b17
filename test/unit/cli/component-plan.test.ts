import { fromChanges } from '../../../src/cli/component-plan';
import type { Change } from '../../../src/components/component';

const R = 'VPC flow logs';

describe('fromChanges: changes that name their targets (the VPCs of flow logs)', () => {
  it.each<[string, Change[], { action: string; fields: string[]; vpcs?: string[] }]>([
    [
      'a create of targets, nothing else: create, the targets listed apart',
      [{ kind: 'create', resource: R, description: 'create', targets: ['vpc-1', 'vpc-2'] }],
      { action: 'create', fields: [], vpcs: ['vpc-1', 'vpc-2'] },
    ],
    [
      'a create beside targets that stay: a change of the component',
      [
        { kind: 'create', resource: R, description: 'create', targets: ['vpc-3'] },
        { kind: 'none', resource: R, description: 'covered', targets: ['vpc-1', 'vpc-2'] },
      ],
      { action: 'change', fields: [], vpcs: ['vpc-3'] },
    ],
    [
      'an update names its targets after each field, from -> to',
      [{ kind: 'update', resource: R, description: 're-create fl-1', fields: [{ field: 'trafficType', from: 'ALL', to: 'REJECT' }], targets: ['vpc-1'] }],
      { action: 'change', fields: ['trafficType: ALL -> REJECT on vpc-1'] },
    ],
    [
      'the same field change of several targets: listed once, with all of them',
      [
        { kind: 'update', resource: R, description: 're-create fl-1', fields: [{ field: 'trafficType', from: 'ALL', to: 'REJECT' }], targets: ['vpc-1'] },
        { kind: 'update', resource: R, description: 're-create fl-2', fields: [{ field: 'trafficType', from: 'ALL', to: 'REJECT' }], targets: ['vpc-2'] },
        {
          kind: 'update',
          resource: R,
          description: 're-create fl-3',
          fields: [
            { field: 'trafficType', from: 'ACCEPT', to: 'REJECT' },
            { field: 'maxAggregationInterval', from: 60, to: 600 },
          ],
          targets: ['vpc-3'],
        },
      ],
      {
        action: 'change',
        fields: ['trafficType: ALL -> REJECT on vpc-1, vpc-2', 'trafficType: ACCEPT -> REJECT on vpc-3', 'maxAggregationInterval: 60 -> 600 on vpc-3'],
      },
    ],
    [
      'a delete beside targets that stay: a change, named by its description and targets',
      [
        { kind: 'delete', resource: R, description: 'delete fl-9 (gone)', targets: ['vpc-gone'] },
        { kind: 'none', resource: R, description: 'covered', targets: ['vpc-1'] },
      ],
      { action: 'change', fields: ['delete fl-9 (gone) on vpc-gone'] },
    ],
    [
      'a delete of everything (turned off): remove',
      [{ kind: 'delete', resource: R, description: 'delete fl-1, fl-2 (unwanted)', targets: ['vpc-1', 'vpc-2'] }],
      { action: 'remove', fields: ['delete fl-1, fl-2 (unwanted) on vpc-1, vpc-2'] },
    ],
    [
      'a create beside targets of another resource left alone (excluded VPCs): still a create',
      [
        { kind: 'create', resource: R, description: 'create', targets: ['vpc-1'] },
        { kind: 'none', resource: 'VPCs excluded by tag', description: 'left alone', targets: ['vpc-2'] },
      ],
      { action: 'create', fields: [], vpcs: ['vpc-1'] },
    ],
    ['only targets that stay: none', [{ kind: 'none', resource: R, description: 'covered', targets: ['vpc-1'] }], { action: 'none', fields: [] }],
    [
      'changes without targets keep their reading (a create beside an update is a create)',
      [
        { kind: 'create', resource: 'S3 bucket b', description: 'create' },
        { kind: 'update', resource: 'S3 bucket b', description: 'our tags missing', fields: [{ field: 'tags', from: undefined, to: { a: 'b' } }] },
      ],
      { action: 'create', fields: ['create', 'tags: undefined -> {"a":"b"}'] },
    ],
  ])('%s', (_name, changes, expected) => {
    expect(fromChanges('flow-logs', changes)).toEqual({ component: 'flow-logs', ...expected });
  });
});
