import { parseConfig } from '../../../src/sources/parse';
import { OwnershipConflictError } from '../../../src/support/errors';
import { defineComponent, statusOf, updateOf, type Change, type ComponentStatus } from '../../../src/components/component';
import { createTestContext } from '../helpers/context';

const R = 'thing t';
const create: Change = { kind: 'create', resource: R, description: 'create' };
const conflict: Change<string> = { kind: 'conflict', resource: R, description: 'thing t exists but is not managed by this stack' };
const none: Change = { kind: 'none', resource: R, description: 'as desired' };

describe('statusOf: inspect from a diff', () => {
  it.each<[string, Change[], ComponentStatus]>([
    ['nothing to change: present, with the details', [], { state: 'present', details: { arn: 'a' } }],
    ['only none: present', [none], { state: 'present', details: { arn: 'a' } }],
    ['a create: absent', [create, updateOf(R, 'x', undefined, 1, 'x missing')], { state: 'absent' }],
    ['a conflict: absent, with the conflict', [conflict], { state: 'absent', details: { conflict: conflict.description } }],
    [
      'updates and deletes: drifted, each difference listed in order',
      [
        { kind: 'delete', resource: R, description: 'not wanted by the config' },
        updateOf(R, 'x', 1, 2, 'x 1 -> 2'),
        { ...updateOf(R, 'y', 'a', 'b', 'y a -> b'), difference: { setting: 'y' } },
      ],
      { state: 'drifted', details: { arn: 'a', differences: ['not wanted by the config', 'x 1 -> 2', { setting: 'y' }] } },
    ],
  ])('%s', (_name, changes, status) => {
    expect(statusOf(changes, { arn: 'a' })).toEqual(status);
  });
});

describe('defineComponent: ensure, inspect and plan from read, desired, diff and apply', () => {
  const { ctx } = createTestContext();
  const config = parseConfig({ PipelineName: 'test' });
  function component(found: number | 'foreign', status?: (changes: Change<string>[]) => ComponentStatus) {
    const applied: Change[][] = [];
    const reads: string[] = [];
    const c = defineComponent<number | 'foreign', number, string>(
      { id: 'c', dependsOn: [], enabled: () => true, remove: async () => undefined },
      {
        read: async (_config, _ctx, purpose) => {
          reads.push(purpose);
          return found;
        },
        desired: () => 2,
        diff: (current, want) =>
          current === 'foreign' ? [conflict] : current === want ? [] : [updateOf(R, 'n', current, want, `n ${current} -> ${want}`, 'set')],
        apply: async (changes) => {
          applied.push(changes);
          return { N: String(changes.length) };
        },
        ...(status ? { status } : {}),
      },
    );
    return { c, applied, reads };
  }

  it('ensure reads for ensure, diffs, and applies the changes', async () => {
    const { c, applied, reads } = component(1);
    await expect(c.ensure(config, ctx)).resolves.toEqual({ N: '1' });
    expect(reads).toEqual(['ensure']);
    expect(applied).toEqual([[updateOf(R, 'n', 1, 2, 'n 1 -> 2', 'set')]]);
  });

  it('ensure refuses a conflict before apply', async () => {
    const { c, applied } = component('foreign');
    await expect(c.ensure(config, ctx)).rejects.toThrow(OwnershipConflictError);
    expect(applied).toEqual([]);
  });

  it('plan and inspect read for inspect and never apply', async () => {
    const { c, applied, reads } = component(1);
    await expect(c.plan(config, ctx)).resolves.toEqual([updateOf(R, 'n', 1, 2, 'n 1 -> 2', 'set')]);
    await expect(c.inspect(config, ctx)).resolves.toEqual({ state: 'drifted', details: { differences: ['n 1 -> 2'] } });
    expect(reads).toEqual(['inspect', 'inspect']);
    expect(applied).toEqual([]);
  });

  it("inspect reports the contract's own status from the changes where it has one (flow logs: per VPC)", async () => {
    const status = jest.fn((changes: Change<string>[]) => ({ state: 'present' as const, details: { changes: changes.length } }));
    const { c, applied } = component(1, status);
    await expect(c.inspect(config, ctx)).resolves.toEqual({ state: 'present', details: { changes: 1 } });
    expect(status).toHaveBeenCalledWith([updateOf(R, 'n', 1, 2, 'n 1 -> 2', 'set')]);
    expect(applied).toEqual([]);
  });
});
