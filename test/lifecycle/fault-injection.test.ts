import type { ServiceKey } from '../../src/aws/clients';
import { ACCOUNT, makeHarness, props, REGION, scanLogsForSecrets } from './harness';
import { failuresByOperation, recordOperations, recordPreflightOperations, REJECTED_ID } from './operations';

const EXTERNAL_ID = 'ext-0b9e44d1-faults-do-not-log';
const ID = `siem-pipeline/${ACCOUNT}/${REGION}/demo`;

/** The two shapes of SIEM access, with what a clean Create leaves and the step that makes its IAM calls. */
const MODES = {
  IamUser: { props: props(), owned: 3, iamStep: 'siem-user' },
  CrossAccountRole: {
    props: props({ SiemAccess: 'CrossAccountRole', SiemAccountId: '210987654321', SiemExternalId: EXTERNAL_ID }),
    owned: 2,
    iamStep: 'siem-role',
  },
} as const;
type Mode = keyof typeof MODES;
const TIMEOUT_MS = 120_000;

/** The pipeline step that makes calls to each service, by access mode. */
function stepOf(mode: Mode, service: ServiceKey): string {
  const steps: Partial<Record<ServiceKey, string>> = { kinesis: 'stream', iam: MODES[mode].iamStep, secrets: 'siem-user' };
  return steps[service] ?? `(no step calls ${service})`;
}

describe.each(Object.keys(MODES) as Mode[])('a Create with %s', (mode) => {
  let ops: string[];
  /** Calls of the read-only checks before the first write: a failure there makes nothing (the rejected id). */
  let preflightOps: string[];

  beforeAll(async () => {
    preflightOps = await recordPreflightOperations(() => makeHarness().fake, MODES[mode].props);
    ops = await recordOperations(async () => {
      const { fake, simulateEvent } = makeHarness();
      const res = await simulateEvent('Create', MODES[mode].props);
      if (res.Status !== 'SUCCESS') throw new Error(`the clean Create failed: ${res.Reason}`);
      return fake;
    });
  });

  it('calls the stream and IAM, each call made by a known step', () => {
    expect(ops).toEqual(expect.arrayContaining(['kinesis:CreateStream#1', expect.stringMatching(/^iam:Create(User|Role)#1$/)]));
    expect(ops.map((op) => stepOf(mode, op.split(':')[0] as ServiceKey)).filter((step) => step.startsWith('('))).toEqual([]);
  });

  it(
    'that fails permanently at one operation: FAILED naming the step, then Delete leaves nothing of ours (each operation in turn)',
    async () => {
      const failures = await failuresByOperation(ops, async (op) => {
        const { fake, simulateEvent } = makeHarness();
        fake.failAt(op);
        const res = await simulateEvent('Create', MODES[mode].props);
        const failed = fake.calls.find((c) => c.op === op)!;

        expect(failed.outcome).toMatch(/^AccessDenied/);
        const preflight = preflightOps.includes(op);
        expect(res).toMatchObject({ Status: 'FAILED', PhysicalResourceId: preflight ? REJECTED_ID : ID });
        expect(res.Reason).toMatch(preflight ? /^validate references failed: / : new RegExp(`^ensure ${stepOf(mode, failed.service)} failed: `));
        if (preflight) expect(fake.writes()).toEqual([]);
        expect(res.Reason).toContain(`not authorized to perform: `);
        expect(res.Reason).toContain(`:${failed.command}`);

        fake.clearFaults();
        const del = await simulateEvent('Delete', MODES[mode].props, { id: res.PhysicalResourceId });
        expect(del).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: res.PhysicalResourceId });
        expect(fake.resourcesOwnedBy('demo')).toEqual([]);
      });

      expect(preflightOps).toEqual(expect.arrayContaining(['kinesis:DescribeLimits#1']));
      expect(ops).toEqual(expect.arrayContaining(preflightOps));

      expect(ops.length).toBeGreaterThan(0);
      expect(failures).toEqual([]);
    },
    TIMEOUT_MS,
  );

  it(
    'throttled once at one operation: the SDK retries and the Create succeeds (each operation in turn)',
    async () => {
      const failures = await failuresByOperation(ops, async (op) => {
        const { fake, simulateEvent } = makeHarness();
        fake.throttleAt(op);
        const res = await simulateEvent('Create', MODES[mode].props);

        expect(fake.calls.find((c) => c.op === op)?.outcome).toMatch(/^Throttling/);
        expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
        expect(fake.resourcesOwnedBy('demo')).toHaveLength(MODES[mode].owned);
      });

      expect(ops.length).toBeGreaterThan(0);
      expect(failures).toEqual([]);
    },
    TIMEOUT_MS,
  );
});

scanLogsForSecrets([EXTERNAL_ID]);
