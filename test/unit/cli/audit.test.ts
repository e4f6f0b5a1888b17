import { auditExitCode, auditPipeline, classify, formatAudit, type AuditReport } from '../../../src/cli/audit';
import { parseConfig } from '../../../src/sources/parse';
import type { ComponentStatus } from '../../../src/components/component';
import { defaultComponents } from '../../../src/sources/registry';
import { PipelineEngine } from '../../../src/engine/engine';
import { ACCOUNT, REGION, STACK_ID } from '../../lifecycle/harness';
import { DEPLOYED_PROPS, deployPipeline, EXTERNAL_ID, tamper, type Deployed } from './helpers';

const engine = new PipelineEngine(defaultComponents());

/** id -> result of every entry that is a finding. */
const findings = (report: AuditReport) => Object.fromEntries(report.components.filter((e) => e.result !== 'ok').map((e) => [e.id, e.result]));
const entry = (report: AuditReport, id: string) => report.components.find((e) => e.id === id)!;

describe('classify', () => {
  const retain = 'Retain';
  const del = 'Delete';
  const s = (state: ComponentStatus['state'], details?: Record<string, unknown>): ComponentStatus => ({ state, ...(details ? { details } : {}) });

  it.each([
    ['stream', true, s('present'), retain, 'ok'],
    ['stream', true, s('drifted', { differences: ['x'] }), retain, 'drifted'],
    ['stream', true, s('absent'), retain, 'missing'],
    ['stream', false, s('absent'), retain, 'ok'],
    ['siem-user', false, s('drifted', { differences: ['not wanted: SiemAccess is CrossAccountRole'] }), retain, 'unexpected'],
    ['guardduty-rule', false, s('present'), retain, 'unexpected'],
    // Expected, conflict: a resource of our name that another stack owns is absent for us.
    ['trail', true, s('absent', { conflict: 'not managed by this stack' }), retain, 'missing'],
    // Flow logs with no VPC to cover: nothing of ours, and nothing wanted.
    ['flow-logs', true, s('absent', { missing: [] }), retain, 'ok'],
    ['flow-logs', true, s('absent', { missing: ['vpc-1'] }), retain, 'missing'],
    // A detector is account-wide: adopted ones, and ours kept by Retain, are not this pipeline's to remove.
    ['guardduty-detector', false, s('present', { createdByThisStack: false }), del, 'ok'],
    ['guardduty-detector', false, s('drifted', { createdByThisStack: true }), retain, 'ok'],
    ['guardduty-detector', false, s('present', { createdByThisStack: true }), del, 'unexpected'],
  ] as const)('%s expected=%s %j (GuardDutyOnDelete %s) -> %s', (id, expected, status, onDelete, result) => {
    const config = parseConfig({ PipelineName: 'demo', GuardDutyOnDelete: onDelete });
    expect(classify(id, expected, status, config).result).toBe(result);
  });
});

describe('auditPipeline against a pipeline the custom resource created', () => {
  let d: Deployed;
  beforeEach(async () => {
    d = await deployPipeline();
  });

  it('finds every expected component present: no findings, exit 0, and reads without writing', async () => {
    d.fake.resetCalls();
    const report = await auditPipeline(d.config, d.ctx(), engine);

    expect(d.fake.calls.length).toBeGreaterThan(0);
    expect(d.fake.writes()).toEqual([]);
    expect(findings(report)).toEqual({});
    expect(report.summary).toEqual({ ok: engine.ids.length, drifted: 0, missing: 0, unexpected: 0, excluded: 0, errors: 0, findings: 0 });
    expect(auditExitCode(report)).toBe(0);
    expect(report).toMatchObject({ pipeline: 'demo', stackId: STACK_ID, account: ACCOUNT, region: REGION });
    expect(report.components.map((e) => e.id)).toEqual(engine.ids);
    // SIEM access is by role: the IAM user is neither expected nor there.
    expect(entry(report, 'siem-user')).toMatchObject({ expected: false, state: 'absent', result: 'ok' });
    expect(report.components.filter((e) => e.id !== 'siem-user').every((e) => e.expected && e.state === 'present')).toBe(true);
  });

  it.each([
    {
      what: 'a flow log deleted',
      id: 'flow-logs',
      result: 'drifted',
      change: async (x: Deployed) => ({ vpc: await tamper.deleteOneFlowLog(x.fake) }),
      text: (changed: { vpc?: string }) => `no flow log on ${changed.vpc}`,
    },
    {
      what: "the flow-log group's retention changed",
      id: 'flow-log-group',
      result: 'drifted',
      change: async (x: Deployed) => {
        await tamper.setFlowLogRetention(x.fake, 30);
        return {};
      },
      text: () => 'retention 30 days, want 1',
    },
    {
      what: 'the GuardDuty rule deleted',
      id: 'guardduty-rule',
      result: 'missing',
      change: async (x: Deployed) => {
        await tamper.deleteGuardDutyRule(x.fake);
        return {};
      },
      text: () => 'not found',
    },
  ] as const)('$what -> a finding naming $id ($result), exit 1', async ({ id, result, change, text }) => {
    const changed = await change(d);
    const report = await auditPipeline(d.config, d.ctx(), engine);

    expect(findings(report)).toEqual({ [id]: result });
    expect(report.summary.findings).toBe(1);
    expect(auditExitCode(report)).toBe(1);
    const line = formatAudit(report)
      .split('\n')
      .find((l) => l.startsWith(`${id} `));
    expect(line).toContain(result.toUpperCase());
    expect(line).toContain(text(changed));
  });

  it('lists VPCs excluded by tag siem-pipeline:exclude=true as their own finding category (excluded), exit 1', async () => {
    const [excluded] = d.fake.ec2.seedVpcs(1, { 'siem-pipeline:exclude': 'true' });
    const report = await auditPipeline(d.config, d.ctx(), engine);

    expect(findings(report)).toEqual({ 'flow-logs': 'excluded' });
    expect(report.summary).toMatchObject({ excluded: 1, drifted: 0, findings: 1 });
    expect(entry(report, 'flow-logs').details).toMatchObject({ excluded: [excluded] });
    expect(auditExitCode(report)).toBe(1);
    expect(formatAudit(report)).toMatch(
      new RegExp(`^flow-logs +yes +present +EXCLUDED +VPCs excluded from flow logs by tag siem-pipeline:exclude=true: ${excluded}$`, 'm'),
    );
  });

  it('reports what the config no longer wants as unexpected, but leaves the account-wide detector alone', async () => {
    // The stack was deployed with GuardDuty on; audited against a config that turns it off.
    const off = parseConfig({ ...DEPLOYED_PROPS, EnableGuardDuty: 'false' });
    const report = await auditPipeline(off, d.ctx(off), engine);

    expect(findings(report)).toEqual({ 'guardduty-rule': 'unexpected' });
    expect(entry(report, 'guardduty-detector')).toMatchObject({
      expected: false,
      state: 'present',
      result: 'ok',
      note: expect.stringContaining('account-wide'),
    });
    expect(formatAudit(report)).toMatch(/^guardduty-rule +no +present +UNEXPECTED +not wanted by the config$/m);
  });

  it('reports a component that cannot be read as an error, and still audits the others', async () => {
    d.fake.failWhen((call) => call.service === 'guardduty');
    const report = await auditPipeline(d.config, d.ctx(), engine);

    expect(findings(report)).toEqual({ 'guardduty-detector': 'error' });
    expect(entry(report, 'guardduty-detector').error).toMatch(/AccessDenied/);
    expect(report.summary).toMatchObject({ errors: 1, findings: 1, ok: engine.ids.length - 1 });
    expect(auditExitCode(report)).toBe(1);
  });

  it('formats a table with a header, one row per component and a summary; JSON carries the whole report; no ExternalId', async () => {
    await tamper.setFlowLogRetention(d.fake, 30);
    const report = await auditPipeline(d.config, d.ctx(), engine);
    const text = formatAudit(report);
    const json = formatAudit(report, { json: true });

    const lines = text.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      `Pipeline demo in account ${ACCOUNT}, region ${REGION}`,
      `Stack ${STACK_ID}`,
      '',
      expect.stringMatching(/^component +expected +state +result +details$/),
    ]);
    expect(lines).toContainEqual(expect.stringMatching(/^stream +yes +present +ok$/));
    expect(lines).toContainEqual(expect.stringMatching(/^siem-user +no +absent +ok$/));
    expect(lines).toContainEqual(
      `${engine.ids.length} components: ${engine.ids.length - 1} ok, 1 drifted, 0 missing, 0 unexpected, 0 with excluded VPCs, 0 not checked (errors)`,
    );
    expect(lines).toContainEqual('1 finding.');
    expect(JSON.parse(json)).toEqual(report);
    expect(text).not.toContain(EXTERNAL_ID);
    expect(json).not.toContain(EXTERNAL_ID);
  });
});
