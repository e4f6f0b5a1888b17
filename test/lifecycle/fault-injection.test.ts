import type { ServiceKey } from '../../src/aws/clients';
import { ACCOUNT, makeHarness, props, REGION, scanLogsForSecrets } from './harness';

const EXTERNAL_ID = 'ext-0b9e44d1-faults-do-not-log';
const ID = `siem-pipeline/${ACCOUNT}/${REGION}/demo`;

/**
 * The two shapes of SIEM access, with the number of AWS calls a clean Create makes against the fake
 * account (SDK waiter polls included). If a component changes its calls, the first test below fails and
 * prints the new call list: update the count so that every call keeps its own fault-injection case.
 */
const MODES = {
  IamUser: { props: props(), calls: 16, owned: 3, iamStep: 'siem-user' },
  CrossAccountRole: {
    props: props({ SiemAccess: 'CrossAccountRole', SiemAccountId: '210987654321', SiemExternalId: EXTERNAL_ID }),
    calls: 12,
    owned: 2,
    iamStep: 'siem-role',
  },
} as const;
type Mode = keyof typeof MODES;

/** The pipeline step that makes calls to each service, by access mode. */
function stepOf(mode: Mode, service: ServiceKey): string {
  const steps: Partial<Record<ServiceKey, string>> = { kinesis: 'stream', iam: MODES[mode].iamStep, secrets: 'siem-user' };
  return steps[service] ?? `(no step calls ${service})`;
}

const cases = (Object.keys(MODES) as Mode[]).flatMap((mode) => Array.from({ length: MODES[mode].calls }, (_, i) => [mode, i + 1] as const));

describe.each(Object.keys(MODES) as Mode[])('a clean Create with %s', (mode) => {
  it(`makes ${MODES[mode].calls} AWS calls (the fault-injection table covers each)`, async () => {
    const { fake, simulateEvent } = makeHarness();
    const res = await simulateEvent('Create', MODES[mode].props);

    expect(res.Status).toBe('SUCCESS');
    expect(fake.calls.map((c) => `${c.service}:${c.command}`)).toHaveLength(MODES[mode].calls);
  });
});

describe('a Create that fails permanently at one call', () => {
  it.each(cases)('%s, call %i: FAILED naming the step, then Delete leaves nothing of ours', async (mode, n) => {
    const { fake, simulateEvent } = makeHarness();
    fake.failAt(n);
    const res = await simulateEvent('Create', MODES[mode].props);
    const failed = fake.calls[n - 1]!;

    expect(failed.outcome).toMatch(/^AccessDenied/);
    expect(res).toMatchObject({ Status: 'FAILED', PhysicalResourceId: ID });
    expect(res.Reason).toMatch(new RegExp(`^ensure ${stepOf(mode, failed.service)} failed: `));
    expect(res.Reason).toContain(`not authorized to perform: `);
    expect(res.Reason).toContain(`:${failed.command}`);

    fake.clearFaults();
    const del = await simulateEvent('Delete', MODES[mode].props, { id: res.PhysicalResourceId });
    expect(del).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(fake.resourcesOwnedBy('demo')).toEqual([]);
  });
});

describe('a Create throttled once at one call', () => {
  it.each(cases)('%s, call %i: the SDK retries and the Create succeeds', async (mode, n) => {
    const { fake, simulateEvent } = makeHarness();
    fake.throttleAt(n);
    const res = await simulateEvent('Create', MODES[mode].props);

    expect(fake.calls[n - 1]!.outcome).toMatch(/^Throttling/);
    expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(fake.resourcesOwnedBy('demo')).toHaveLength(MODES[mode].owned);
  });
});

scanLogsForSecrets([EXTERNAL_ID]);
