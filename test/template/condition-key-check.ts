import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CALLERS } from '../fake/caller-context';
import { asArray, resourceStrings, type JsonObject, type LocatedStatement } from './template-helpers';

/** test/template/fixtures/condition-keys.json, built by scripts/condition-keys.mjs from the Service Authorization Reference. */
export interface ConditionKeyTable {
  generated: string;
  source: { package: string; sarUpdatedAt: string; reference: string };
  globalKeys: { doc: string; keys: string[] };
  actions: Record<string, { page: string; resourceTypes: { name: string; required: boolean; arn: string | null }[]; conditionKeys: string[] }>;
}

export function loadConditionKeyTable(): ConditionKeyTable {
  return JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'condition-keys.json'), 'utf8')) as ConditionKeyTable;
}

/**
 * The request-context keys each service principal documents sending when it assumes a role: the fake's table
 * (test/fake/caller-context.ts), plus Lambda, whose execution-role documentation names none.
 */
export const TRUST_KEYS: Record<string, readonly string[]> = {
  ...Object.fromEntries(
    Object.values(CALLERS)
      .filter((c) => c.assumesRole)
      .map((c) => [c.principal, c.keys]),
  ),
  'lambda.amazonaws.com': [],
};

/** `aws:RequestTag/${TagKey}` documents `aws:RequestTag/siem-pipeline:stack`; keys compare case-insensitively. */
function documents(documented: string, key: string): boolean {
  const [head, tail] = documented.toLowerCase().split('${');
  return tail === undefined ? documented.toLowerCase() === key.toLowerCase() : key.toLowerCase().startsWith(head) && key.length > head.length;
}

function conditionKeys(condition: JsonObject | undefined): string[] {
  return Object.values(condition ?? {}).flatMap((block) => Object.keys((block ?? {}) as JsonObject));
}

/**
 * Every condition key of a permission or resource-policy statement that the SAR does not document for every
 * action of the statement (global keys pass everywhere; a wildcard action takes global keys only).
 */
export function undocumentedKeys(statements: readonly LocatedStatement[], table: ConditionKeyTable): string[] {
  const findings: string[] = [];
  for (const { where, statement } of statements) {
    const at = `${where}${statement.Sid ? `/${statement.Sid}` : ''}`;
    for (const key of conditionKeys(statement.Condition)) {
      if (table.globalKeys.keys.some((g) => documents(g, key))) continue;
      for (const action of [...asArray(statement.Action), ...asArray(statement.NotAction)]) {
        const entry = action.includes('*') ? undefined : table.actions[action];
        if (!entry) findings.push(`${at}: ${key} on ${action}, which the table does not document`);
        else if (!entry.conditionKeys.some((d) => documents(d, key))) findings.push(`${at}: ${key} is not a condition key of ${action} (${entry.page})`);
      }
    }
  }
  return findings;
}

/** Every key of a service trust the principal does not document sending, and every key of an account trust sts:AssumeRole lacks. */
export function undocumentedTrustKeys(statements: readonly LocatedStatement[], table: ConditionKeyTable): string[] {
  const findings: string[] = [];
  for (const { where, statement } of statements) {
    const principal = (statement.Principal ?? {}) as JsonObject;
    for (const service of asArray(principal.Service as string | string[] | undefined)) {
      const sent = TRUST_KEYS[service];
      for (const key of conditionKeys(statement.Condition)) {
        if (!sent) findings.push(`${where}: trust of ${service}, whose request context is undocumented, conditions on ${key}`);
        else if (!sent.includes(key)) findings.push(`${where}: ${service} does not send ${key} when it assumes a role`);
      }
    }
    if ('AWS' in principal) findings.push(...undocumentedKeys([{ where, statement: { ...statement, Action: ['sts:AssumeRole'] } }], table));
  }
  return findings;
}

/**
 * Resources that cannot match what the SAR says an action is authorised on: an action without resource types needs
 * Resource "*"; an action with several required resource types needs a resource of each type's service.
 */
export function resourceTypeFindings(statements: readonly LocatedStatement[], table: ConditionKeyTable): string[] {
  const findings: string[] = [];
  for (const { where, statement } of statements) {
    if (statement.Effect !== 'Allow') continue;
    const at = `${where}${statement.Sid ? `/${statement.Sid}` : ''}`;
    // `${AWS::Partition}` holds colons of its own: read the ARN parts after substituting the pseudo parameters.
    const arns = resourceStrings(statement).map((a) => a.replace(/\$\{AWS::(\w+)\}/g, '$1'));
    for (const action of asArray(statement.Action)) {
      const entry = table.actions[action];
      if (!entry) continue;
      if (entry.resourceTypes.length === 0 && !(arns.length === 1 && arns[0] === '*'))
        findings.push(`${at}: ${action} has no resource types, so its Resource must be "*"`);
      const required = entry.resourceTypes.filter((r) => r.required);
      if (required.length < 2) continue;
      for (const type of required) {
        const service = type.arn?.split(':')[2];
        if (!arns.some((a) => a === '*' || a.split(':')[2] === service)) findings.push(`${at}: ${action} needs a ${type.name} resource (${type.arn})`);
      }
    }
  }
  return findings;
}
