import { UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import type { AuditReport } from '../../../src/cli/audit';
import { EXIT, run } from '../../../src/cli/main';
import { STACK_ID } from '../../lifecycle/harness';
import { bufferIo, DEPLOYED_PROPS, deployPipeline, EXTERNAL_ID, N, PARAM_FLAGS, tamper, type Deployed } from './helpers';

const AUDIT = ['audit', '--stack-id', STACK_ID];

describe('run: bad input exits 2 with a message naming the flag, before any AWS call', () => {
  it.each([
    { why: 'no command', argv: ['--stack-id', STACK_ID], says: /a command is required; allowed commands: plan, deploy, destroy, audit, repair, verify, smoke/ },
    {
      why: 'an unknown command',
      argv: ['adit', '--stack-id', STACK_ID],
      says: /unknown command; allowed commands: plan, deploy, destroy, audit, repair, verify, smoke/,
    },
    { why: 'an unknown flag', argv: [...AUDIT, '--stak', 'x'], says: /unknown flag '--stak'; allowed flags: --stack, --stack-id, --region,/ },
    {
      why: "another command's flag",
      argv: [...AUDIT, '--yes', '--param', 'PipelineName=demo'],
      says: /--yes is not a flag of audit; allowed flags: --stack, --stack-id, --region, --profile, --props, --param, --json, --help, --regions/,
    },
    { why: '--stack and --stack-id', argv: [...AUDIT, '--stack', 'siem'], says: /--stack and --stack-id are both given; give one/ },
    { why: 'a --stack that is no name', argv: ['audit', '--stack', 'my stack!'], says: /--stack 'my stack!' is not allowed; allowed values: a stack name/ },
    {
      why: 'a bad --regions list',
      argv: [...AUDIT, '--regions', 'us-east-1,Mars', '--param', 'PipelineName=demo'],
      says: /--regions 'us-east-1,Mars' is not allowed; allowed values: all, or region names/,
    },
    {
      why: 'a --minutes out of range',
      argv: ['verify', '--stack', 'siem', '--minutes', '0'],
      says: /--minutes '0' is not allowed; allowed values: a whole number from 1 to 10080/,
    },
    {
      why: 'a --sample that is no number',
      argv: ['verify', '--stack', 'siem', '--sample', 'all'],
      says: /--sample 'all' is not allowed; allowed values: a whole number from 0 to 100/,
    },
    {
      why: 'a --template-url that is not https',
      argv: ['deploy', '--stack', 'siem', '--template-url', 'http://x/t.json'],
      says: /--template-url is not allowed; allowed values: an https:\/\/ URL/,
    },
    { why: 'a flag without its value', argv: ['audit', '--stack-id'], says: /Option '--stack-id <value>' argument missing; allowed flags:/ },
    { why: 'a value for --json', argv: [...AUDIT, '--json=yes', '--param', 'PipelineName=demo'], says: /Option '--json' does not take an argument/ },
    { why: 'no stack', argv: ['audit', '--param', 'PipelineName=demo'], says: /audit needs --stack NAME\|ARN, or --stack-id ARN with --param\/--props/ },
    {
      why: 'a --stack-id that is no stack ARN',
      argv: ['audit', '--stack-id', 'siem', '--param', 'PipelineName=demo'],
      says: /--stack-id 'siem' is not allowed; allowed values: the ARN/,
    },
    { why: '--stack-id twice', argv: [...AUDIT, '--stack-id', STACK_ID], says: /--stack-id is given 2 times; give it once/ },
    {
      why: 'a --region other than the stack',
      argv: [...AUDIT, '--region', 'eu-west-1', '--param', 'PipelineName=demo'],
      says: /--region 'eu-west-1' is not allowed; allowed values: us-east-1 \(the region of --stack-id\)/,
    },
    { why: 'a --param without =', argv: [...AUDIT, '--param', 'PipelineName'], says: /--param #1 is not Name=value; allowed names: PipelineName, StreamMode,/ },
    { why: 'a --param given twice', argv: [...AUDIT, '--param', 'PipelineName=a', '--param', 'PipelineName=b'], says: /--param PipelineName is given twice/ },
    {
      why: 'an unknown property',
      argv: [...AUDIT, '--param', 'PipelineName=demo', '--param', 'Shards=2'],
      says: /unknown properties Shards; allowed properties: PipelineName,/,
    },
    {
      why: 'a bad property value',
      argv: [...AUDIT, '--param', 'PipelineName=demo', '--param', 'StreamMode=FAST'],
      says: /StreamMode 'FAST' is not allowed; allowed values: PROVISIONED, ON_DEMAND/,
    },
    { why: 'no properties at all', argv: AUDIT, says: /PipelineName is required.*\(the properties come from the stack, --props and --param\)/ },
    { why: 'a --props file that does not exist', argv: [...AUDIT, '--props', 'nope.json'], says: /--props 'nope.json' cannot be read \(ENOENT\)/ },
    { why: 'a --props file that is not JSON', argv: [...AUDIT, '--props', 'bad.json'], says: /--props 'bad.json' is not valid JSON/ },
    { why: 'a --props file of another shape', argv: [...AUDIT, '--props', 'list.json'], says: /--props 'list.json' has an unexpected shape/ },
  ])('$why', async ({ argv, says }) => {
    const io = bufferIo({ 'bad.json': '{"PipelineName": "demo",', 'list.json': '["demo"]' });
    const decorate = jest.fn();

    await expect(run(argv, io, { clientOptions: { decorate } })).resolves.toBe(EXIT.badInput);
    expect(io.err).toMatch(says);
    expect(io.err).toContain('usage: aws-siem-pipeline <command>');
    expect(io.out).toBe('');
    expect(decorate).not.toHaveBeenCalled();
  });

  it('never echoes the ExternalId: not when it is invalid, not from a file that is not JSON, not as a stray argument', async () => {
    const bad = 'bad secret!';
    const cases = [
      [
        ...AUDIT,
        '--param',
        'PipelineName=demo',
        '--param',
        'SiemAccess=CrossAccountRole',
        '--param',
        'SiemAccountId=210987654321',
        '--param',
        `SiemExternalId=${bad}`,
      ],
      [...AUDIT, '--props', 'leaky.json'],
      ['--param', 'SiemExternalId', EXTERNAL_ID, ...AUDIT.slice(1)],
    ];
    for (const argv of cases) {
      const io = bufferIo({ 'leaky.json': `{"SiemExternalId": "${EXTERNAL_ID}" "PipelineName": "demo"}` });
      await expect(run(argv, io)).resolves.toBe(EXIT.badInput);
      expect(io.err).toMatch(/error: /);
      expect(io.err).not.toContain(EXTERNAL_ID);
      expect(io.err).not.toContain(bad);
    }
  });

  it('prints the usage for --help and exits 0', async () => {
    const io = bufferIo();
    await expect(run(['--help'], io)).resolves.toBe(EXIT.ok);
    expect(io.out).toMatch(/^usage: aws-siem-pipeline <command> \[--stack NAME\|ARN/);
  });
});

describe('run audit against a deployed pipeline', () => {
  let d: Deployed;
  beforeEach(async () => {
    d = await deployPipeline();
  });

  it('prints the table and exits 0 when nothing has drifted; properties from --param', async () => {
    const io = bufferIo();
    await expect(run([...AUDIT, '--region', 'us-east-1', ...PARAM_FLAGS], io, { clientOptions: d.clientOptions })).resolves.toBe(EXIT.ok);

    expect(io.out).toMatch(/^component +expected +state +result +details$/m);
    expect(io.out).toMatch(/^siem-role +yes +present +ok$/m);
    expect(io.out).toContain('No findings.');
    expect(io.out).toContain('Nothing to report.');
    // Progress goes to stderr, one line per region; no spinner without a terminal.
    expect(io.err).toBe('audited us-east-1: 15 ok, 0 finding(s)\n');
    expect(`${io.out}${io.err}`).not.toContain(EXTERNAL_ID);
  });

  it('exits 1 and names the component when the GuardDuty rule was deleted; --json prints the report', async () => {
    await tamper.deleteGuardDutyRule(d.fake);
    const io = bufferIo();
    await expect(run([...AUDIT, ...PARAM_FLAGS, '--json'], io, { clientOptions: d.clientOptions })).resolves.toBe(EXIT.findings);

    const report = (JSON.parse(io.out) as { regions: { report: AuditReport }[] }).regions[0].report;
    expect(report.summary).toMatchObject({ findings: 1, missing: 1 });
    expect(report.components.find((e) => e.result !== 'ok')).toMatchObject({ id: 'guardduty-rule', expected: true, state: 'absent', result: 'missing' });
    expect(io.out).not.toContain(EXTERNAL_ID);
  });

  it('reads the properties from a describe-stacks Parameters list, and keeps the ExternalId out of a drifted trust policy report', async () => {
    // Someone rewrote the SIEM role's trust policy (it holds the ExternalId in a condition).
    await d.fake.clients().iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: N.siemRole,
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:root' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    // As describe-stacks prints them: a template-only parameter, and the NoEcho ExternalId masked (given by --param).
    const parameters = [...Object.entries({ ...DEPLOYED_PROPS, SiemExternalId: '****' }), ['VpcSweepSchedule', 'rate(6 hours)']].map(
      ([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      }),
    );
    const files = { 'params.json': JSON.stringify(parameters) };
    const args = [...AUDIT, '--props', 'params.json', '--param', `SiemExternalId=${EXTERNAL_ID}`];

    const text = bufferIo(files);
    await expect(run(args, text, { clientOptions: d.clientOptions })).resolves.toBe(EXIT.findings);
    expect(text.out).toMatch(/^siem-role +yes +drifted +DRIFTED +trust policy changed$/m);

    const json = bufferIo(files);
    await expect(run([...args, '--json'], json, { clientOptions: d.clientOptions })).resolves.toBe(EXIT.findings);
    const report = (JSON.parse(json.out) as { regions: { report: AuditReport }[] }).regions[0].report;
    expect(report.components.filter((e) => e.result !== 'ok')).toEqual([
      { id: 'siem-role', expected: true, state: 'drifted', result: 'drifted', details: { roleArn: expect.any(String), differences: ['trust policy changed'] } },
    ]);
    for (const io of [text, json]) expect(`${io.out}${io.err}`).not.toContain(EXTERNAL_ID);
  });
});
