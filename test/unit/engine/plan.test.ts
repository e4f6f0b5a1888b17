import { planPipeline, type PlanRequest } from '../../../src/engine/plan';

const ALL = ['stream', 'siem-access', 'log-groups', 'flow-logs', 'guardduty', 'event-sources'];

describe('planPipeline', () => {
  it.each<[string, PlanRequest, { ensure: string[]; remove: string[]; replace?: string[] }]>([
    [
      'Create ensures the enabled components in registry order',
      { type: 'Create', enabled: new Set(['guardduty', 'stream', 'siem-access']) },
      { ensure: ['stream', 'siem-access', 'guardduty'], remove: [] },
    ],
    ['Create with nothing enabled does nothing', { type: 'Create', enabled: new Set() }, { ensure: [], remove: [] }],
    ['Create ignores ids the registry does not know', { type: 'Create', enabled: new Set(['stream', 'ghost']) }, { ensure: ['stream'], remove: [] }],
    [
      'Update with the same components converges them all and removes nothing',
      { type: 'Update', oldEnabled: new Set(ALL), enabled: new Set(ALL) },
      { ensure: ALL, remove: [], replace: [] },
    ],
    [
      'Update that turns sources off removes exactly those',
      { type: 'Update', oldEnabled: new Set(ALL), enabled: new Set(['stream', 'siem-access', 'log-groups']) },
      { ensure: ['stream', 'siem-access', 'log-groups'], remove: ['flow-logs', 'guardduty', 'event-sources'], replace: [] },
    ],
    [
      'Update that turns a source on ensures it and removes nothing',
      { type: 'Update', oldEnabled: new Set(['stream', 'siem-access']), enabled: new Set(['stream', 'siem-access', 'guardduty']) },
      { ensure: ['stream', 'siem-access', 'guardduty'], remove: [], replace: [] },
    ],
    [
      'Update that swaps sources removes the old one and ensures the new one',
      { type: 'Update', oldEnabled: new Set(['stream', 'flow-logs']), enabled: new Set(['stream', 'guardduty']) },
      { ensure: ['stream', 'guardduty'], remove: ['flow-logs'], replace: [] },
    ],
    [
      'Update never removes what was not enabled before',
      { type: 'Update', oldEnabled: new Set(['stream']), enabled: new Set(['stream']) },
      { ensure: ['stream'], remove: [], replace: [] },
    ],
    [
      'Update replaces a component pointed at another resource: removed (with the old config) and ensured again',
      { type: 'Update', oldEnabled: new Set(ALL), enabled: new Set(ALL), replaced: new Set(['log-groups']) },
      { ensure: ALL, remove: [], replace: ['log-groups'] },
    ],
    [
      'Update replaces only what was enabled before',
      { type: 'Update', oldEnabled: new Set(['stream']), enabled: new Set(['stream', 'log-groups']), replaced: new Set(['log-groups', 'stream']) },
      { ensure: ['stream', 'log-groups'], remove: [], replace: ['stream'] },
    ],
    [
      'Update that turns off a component pointed at another resource removes it with the old config (replace), and does not ensure it',
      { type: 'Update', oldEnabled: new Set(['stream', 'log-groups']), enabled: new Set(['stream']), replaced: new Set(['log-groups']) },
      { ensure: ['stream'], remove: [], replace: ['log-groups'] },
    ],
    ['Delete removes every component, enabled or not', { type: 'Delete' }, { ensure: [], remove: ALL }],
  ])('%s', (_what, request, expected) => {
    expect(planPipeline(ALL, request)).toEqual(expected);
  });

  it('returns a fresh array for Delete, not the registry list itself', () => {
    const all = ['a', 'b'];
    const plan = planPipeline(all, { type: 'Delete' });
    plan.remove.push('c');
    expect(all).toEqual(['a', 'b']);
  });
});
