// Defect 6 of issue 6: one source of truth for the flow-log settings. The provisioner records them on its
// flow-log group; an enroller whose environment is older (a stack update is under way) writes nothing, so it
// never re-creates or deletes a flow log the provisioner just made.
import { createVpcEvent, enrollerFor, SCHEDULE_EVENT } from './enroller';
import { makeHarness, props, type Harness } from './harness';

const FLOW_PROPS = props({ EnableFlowLogs: 'true', FlowLogTrafficType: 'ALL' });
const NEW_PROPS = { ...FLOW_PROPS, FlowLogTrafficType: 'REJECT' };

/** The enroller Lambda as deployed beside the stack, with the environment the template gave it. */
function enroller(h: Harness, env: Record<string, string>) {
  const lines: string[] = [];
  return { handler: enrollerFor(h, env, lines), logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** Our flow logs as the fake holds them: id, VPC and traffic type. */
function flowLogs(h: Harness): { id: string; vpc: string; traffic: string }[] {
  const snap = h.fake.ec2.snapshot() as { flowLogs: { id: string; resourceId: string; trafficType: string }[] };
  return snap.flowLogs.map((f) => ({ id: f.id, vpc: f.resourceId, traffic: f.trafficType })).sort((a, b) => a.vpc.localeCompare(b.vpc));
}

describe('flow-log settings: the provisioner is the one source of truth', () => {
  it.each([
    ['a scheduled sweep', () => SCHEDULE_EVENT],
    ['a CreateVpc event', (vpcId: string) => createVpcEvent(vpcId)],
  ])('after an Update changes FlowLogTrafficType, %s of an enroller with the old environment changes no flow log', async (_name, event) => {
    const h = makeHarness();
    h.fake.ec2.seedVpcs(3);
    const created = await h.simulateEvent('Create', FLOW_PROPS);
    expect(created.Status).toBe('SUCCESS');
    const updated = await h.simulateEvent('Update', NEW_PROPS, { id: created.PhysicalResourceId, props: FLOW_PROPS });
    expect(updated.Status).toBe('SUCCESS');
    const afterUpdate = flowLogs(h);
    expect(afterUpdate.map((f) => f.traffic)).toEqual(['REJECT', 'REJECT', 'REJECT']);
    const [newVpc] = h.fake.ec2.seedVpcs(1);

    const stale = enroller(h, FLOW_PROPS);
    const writesBefore = h.fake.writes().length;
    await expect(stale.handler(event(newVpc))).resolves.toMatchObject({ created: 0, recreated: 0, deleted: 0 });

    expect(h.fake.writes().slice(writesBefore)).toEqual([]);
    expect(flowLogs(h)).toEqual(afterUpdate);
    expect(stale.logs()).toContainEqual(
      expect.objectContaining({ level: 'warn', recorded: expect.stringMatching(/^REJECT\//), own: expect.stringMatching(/^ALL\//) }),
    );
  });

  it('an enroller with the new environment enrolls a new VPC with the new settings, in 3 calls for a CreateVpc event', async () => {
    const h = makeHarness();
    h.fake.ec2.seedVpcs(2);
    const created = await h.simulateEvent('Create', FLOW_PROPS);
    await h.simulateEvent('Update', NEW_PROPS, { id: created.PhysicalResourceId, props: FLOW_PROPS });
    const [newVpc] = h.fake.ec2.seedVpcs(1);

    const current = enroller(h, NEW_PROPS);
    const callsBefore = h.fake.calls.length;
    await expect(current.handler(createVpcEvent(newVpc))).resolves.toMatchObject({ vpcs: 1, created: 1 });

    expect(h.fake.calls.slice(callsBefore).map((c) => `${c.service}:${c.command}`)).toEqual([
      'logs:ListTagsForResource',
      'ec2:DescribeVpcs',
      'ec2:CreateFlowLogs',
    ]);
    expect(flowLogs(h).find((f) => f.vpc === newVpc)).toMatchObject({ traffic: 'REJECT' });
  });
});
