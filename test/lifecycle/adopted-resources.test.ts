import { adoptedView, adoptProps, allSources, deliveredSources, idOf, liveView, seededAccount, type Seeded } from './adopted-helpers';
import { scanLogsForSecrets, STACK_ID, type RequestType } from './harness';

/**
 * One account through a whole stack life: a seeded GuardDuty detector, an organization trail whose log
 * group another consumer subscribes, VPCs with someone else's flow logs. After every step the live
 * pipeline delivers every source, and what the stack adopted is exactly as it was, apart from the changes
 * the pipeline records on it while live (liveView); after Delete not even those.
 */
describe('adopted resources through Create, repeated deliveries, a failed Update, a rename, Delete and a failed Create', () => {
  let h: Seeded;
  let before: Record<string, unknown>;

  /** Sends the same request twice, as Lambda may deliver it; both answers must be the same success. */
  async function twice(type: RequestType, props: Record<string, string>, old?: { id?: string; props?: Record<string, string> }) {
    const first = await h.simulateEvent(type, props, old);
    const second = await h.simulateEvent(type, props, old);
    expect(first).toMatchObject({ Status: 'SUCCESS' });
    expect(second).toEqual({ ...first, RequestId: second.RequestId });
    return first;
  }

  const detectorFrequency = () => (adoptedView(h.fake).detectors as { frequency: string }[])[0].frequency;

  beforeAll(async () => {
    h = await seededAccount();
    before = adoptedView(h.fake);
  });

  it('Create (delivered twice) adopts the detector and the trail group, and every source flows', async () => {
    const res = await twice('Create', adoptProps('demo'));
    expect(res).toMatchObject({ PhysicalResourceId: idOf('demo'), Data: { GuardDutyDetectorId: h.detectorId } });
    expect(adoptedView(h.fake)).toEqual(liveView(before, 'demo'));
    expect(deliveredSources(h, 'demo', h.vpcs[3])).toEqual(allSources('demo'));
  });

  it('an Update (delivered twice) changes the frequency again; the original stays recorded', async () => {
    await twice('Update', adoptProps('demo', { GuardDutyFindingFrequency: 'ONE_HOUR' }), { id: idOf('demo'), props: adoptProps('demo') });
    expect(adoptedView(h.fake)).toEqual(liveView(before, 'demo', 'ONE_HOUR'));
    expect(deliveredSources(h, 'demo', h.vpcs[3])).toEqual(allSources('demo'));
  });

  it('a failed Update, then its rollback with swapped properties (delivered twice): whole after each', async () => {
    const current = adoptProps('demo', { GuardDutyFindingFrequency: 'ONE_HOUR' });
    const next = adoptProps('demo', { GuardDutyFindingFrequency: 'SIX_HOURS', ExtraEventSources: 'aws.securityhub,aws.health,aws.inspector2' });
    h.fake.failWhen((c) => c.command === 'PutTargets' && c.input.Rule === 'siem-demo-src-inspector2');

    const failed = await h.simulateEvent('Update', next, { id: idOf('demo'), props: current });
    expect(failed).toMatchObject({ Status: 'FAILED', PhysicalResourceId: idOf('demo') });
    expect(adoptedView(h.fake)).toEqual(liveView(before, 'demo', detectorFrequency()));
    h.fake.clearFaults();
    expect(deliveredSources(h, 'demo', h.vpcs[3])).toEqual(expect.arrayContaining(allSources('demo')));

    await twice('Update', current, { id: idOf('demo'), props: next });
    expect(adoptedView(h.fake)).toEqual(liveView(before, 'demo', 'ONE_HOUR'));
    expect(deliveredSources(h, 'demo', h.vpcs[3])).toEqual(allSources('demo'));
  });

  it('a rename (delivered twice) and the cleanup Delete of the old id (delivered twice): the new pipeline has the detector and the filter slot', async () => {
    const res = await twice('Update', adoptProps('demo2', { GuardDutyFindingFrequency: 'ONE_HOUR' }), {
      id: idOf('demo'),
      props: adoptProps('demo', { GuardDutyFindingFrequency: 'ONE_HOUR' }),
    });
    expect(res).toMatchObject({ PhysicalResourceId: idOf('demo2'), Data: { GuardDutyDetectorId: h.detectorId } });
    await twice('Delete', adoptProps('demo', { GuardDutyFindingFrequency: 'ONE_HOUR' }), { id: idOf('demo') });

    expect(h.fake.resourcesOwnedBy('demo')).toEqual([]);
    expect(adoptedView(h.fake)).toEqual(liveView(before, 'demo2', 'ONE_HOUR'));
    expect(deliveredSources(h, 'demo2', h.vpcs[3])).toEqual(allSources('demo2'));
  });

  it('Delete (delivered twice) leaves every adopted resource exactly as before Create', async () => {
    await twice('Delete', adoptProps('demo2', { GuardDutyFindingFrequency: 'ONE_HOUR' }), { id: idOf('demo2') });
    expect(h.fake.resourcesOwnedBy('demo2')).toEqual([]);
    expect(h.fake.resourcesOwnedBy(STACK_ID)).toEqual([]);
    expect(adoptedView(h.fake)).toEqual(before);
  });

  it('a failed Create, then its Delete (delivered twice): adopted resources exactly as before', async () => {
    h.fake.failWhen((c) => c.command === 'PutTargets' && c.input.Rule === 'siem-demo3-src-health');
    const failed = await h.simulateEvent('Create', adoptProps('demo3'));
    expect(failed).toMatchObject({ Status: 'FAILED', PhysicalResourceId: idOf('demo3') });
    h.fake.clearFaults();

    await twice('Delete', adoptProps('demo3'), { id: idOf('demo3') });
    expect(h.fake.resourcesOwnedBy('demo3')).toEqual([]);
    expect(h.fake.resourcesOwnedBy(STACK_ID)).toEqual([]);
    expect(adoptedView(h.fake)).toEqual(before);
  });
});

scanLogsForSecrets([]);
