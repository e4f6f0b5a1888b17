import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadTemplate, type Json, type JsonObject } from './template-helpers';

const template = loadTemplate();
const parameters = template.Parameters as Record<string, JsonObject>;
const rules = template.Rules as Record<string, { RuleCondition?: Json; Assertions: { Assert: Json; AssertDescription: string }[] }>;

/** Evaluates the rule functions the template uses over parameter values (defaults filled in), as CloudFormation does. */
function evaluate(expr: Json, values: Record<string, string>): boolean | string {
  if (typeof expr === 'string') return expr;
  const [fn, args] = Object.entries(expr as JsonObject)[0];
  const a = args as Json[];
  switch (fn) {
    case 'Ref':
      return values[args as string];
    case 'Fn::Equals':
      return evaluate(a[0], values) === evaluate(a[1], values);
    case 'Fn::Not':
      return !evaluate(a[0], values);
    case 'Fn::And':
      return a.every((x) => evaluate(x, values) === true);
    case 'Fn::Or':
      return a.some((x) => evaluate(x, values) === true);
    default:
      throw new Error(`rule function ${fn} not modelled by this test`);
  }
}

/** The AssertDescriptions CloudFormation would report for these parameter values, before creating anything. */
function failedAssertions(given: Record<string, string>): string[] {
  const values = { ...Object.fromEntries(Object.entries(parameters).map(([k, p]) => [k, String(p.Default ?? '')])), ...given };
  return Object.values(rules).flatMap((rule) =>
    rule.RuleCondition === undefined || evaluate(rule.RuleCondition, values) === true
      ? rule.Assertions.filter((a) => evaluate(a.Assert, values) !== true).map((a) => a.AssertDescription)
      : [],
  );
}

const NEEDS_ACCOUNT = "SiemAccess CrossAccountRole needs SiemAccountId, the SIEM vendor's 12-digit AWS account id.";
const NEEDS_EXTERNAL_ID = 'SiemAccess CrossAccountRole needs SiemExternalId, the external id the SIEM vendor gave you.';

describe('template Rules (checked before any resource is created)', () => {
  it.each([
    ['IamUser with nothing else', {}, []],
    ['CrossAccountRole with account and external id', { SiemAccess: 'CrossAccountRole', SiemAccountId: '111122223333', SiemExternalId: 'ext-1' }, []],
    ['CrossAccountRole without account id', { SiemAccess: 'CrossAccountRole', SiemExternalId: 'ext-1' }, [NEEDS_ACCOUNT]],
    ['CrossAccountRole without external id', { SiemAccess: 'CrossAccountRole', SiemAccountId: '111122223333' }, [NEEDS_EXTERNAL_ID]],
    ['CrossAccountRole with neither', { SiemAccess: 'CrossAccountRole' }, [NEEDS_ACCOUNT, NEEDS_EXTERNAL_ID]],
  ])('%s', (_what, given, failures) => {
    expect(failedAssertions(given)).toEqual(failures);
  });

  it('SiemAccountId takes exactly 12 digits when set', () => {
    const pattern = new RegExp(parameters.SiemAccountId.AllowedPattern as string);
    expect(['', '111122223333', '11112222333', '1111222233334', 'abcdabcdabcd'].map((v) => pattern.test(v))).toEqual([true, true, false, false, false]);
  });
});

describe('comma-separated parameters', () => {
  /** A valid list per comma-separated parameter. */
  const LISTS: Record<string, string> = { ExtraEventSources: 'aws.securityhub,aws.health' };

  it.each(Object.entries(LISTS))('%s accepts a list and empty, and rejects a leading, trailing or doubled comma', (name, list) => {
    const pattern = new RegExp(parameters[name].AllowedPattern as string);
    const [first, second] = list.split(',');
    expect([list, `${first}, ${second}`, '', `,${list}`, `${list},`, `${first},,${second}`, ',', ' ,'].map((v) => [v, pattern.test(v)])).toEqual([
      [list, true],
      [`${first}, ${second}`, true],
      ['', true],
      [`,${list}`, false],
      [`${list},`, false],
      [`${first},,${second}`, false],
      [',', false],
      [' ,', false],
    ]);
  });
});

describe('cost hints where the user decides', () => {
  it.each([
    ['EnableCloudTrail', '$2.00 per 100,000 events'],
    ['EnableFlowLogs', '$0.50 per GB'],
    ['EnableGuardDuty', '$4.00 per million CloudTrail management events'],
    ['StreamMode', '$11 per shard-month'],
    ['StreamMode', '$29 per month'],
  ])('%s names %s (README cost table)', (name, hint) => {
    expect(parameters[name].Description).toContain(hint);
    expect(readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8')).toContain(hint);
  });
});
