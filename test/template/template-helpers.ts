import { readFileSync } from 'node:fs';
import path from 'node:path';
import { yamlParse } from 'yaml-cfn';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: Json;
  Principal?: Json;
  Condition?: JsonObject;
}

/** Where a policy document sits in the template, for readable failures. */
export interface LocatedStatement {
  where: string;
  statement: Statement;
}

export function loadTemplate(file = 'template.yaml'): JsonObject {
  return yamlParse(readFileSync(path.join(__dirname, '..', '..', file), 'utf8')) as JsonObject;
}

export function resources(template: JsonObject): Record<string, JsonObject> {
  return template.Resources as Record<string, JsonObject>;
}

export const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * Statements of a policy document; a statement wrapped in `Fn::If` counts with each of its branches
 * (minus `AWS::NoValue`), so conditional statements are checked like the others.
 */
export function statementsOf(doc: JsonObject): Statement[] {
  return asArray(doc.Statement).flatMap((s) => {
    const o = s as JsonObject;
    if (o && 'Fn::If' in o) {
      const [, yes, no] = o['Fn::If'] as Json[];
      return [yes, no].filter((b) => !(b && typeof b === 'object' && (b as JsonObject).Ref === 'AWS::NoValue')) as unknown as Statement[];
    }
    return [o as unknown as Statement];
  });
}

/** Every permission statement of every role and managed policy (trust policies excluded). */
export function permissionStatements(template: JsonObject): LocatedStatement[] {
  const out: LocatedStatement[] = [];
  for (const [id, res] of Object.entries(resources(template))) {
    const props = (res.Properties ?? {}) as JsonObject;
    if (res.Type === 'AWS::IAM::Role') {
      for (const p of asArray(props.Policies as JsonObject[] | undefined)) {
        for (const s of statementsOf(p.PolicyDocument as JsonObject)) out.push({ where: `${id}/${String(p.PolicyName)}`, statement: s });
      }
    }
    if (res.Type === 'AWS::IAM::ManagedPolicy' || res.Type === 'AWS::IAM::Policy') {
      for (const s of statementsOf(props.PolicyDocument as JsonObject)) out.push({ where: id, statement: s });
    }
  }
  return out;
}

/** Trust policy statements of every role in the template. */
export function trustStatements(template: JsonObject): LocatedStatement[] {
  return Object.entries(resources(template))
    .filter(([, r]) => r.Type === 'AWS::IAM::Role')
    .flatMap(([id, r]) =>
      asArray(((r.Properties as JsonObject).AssumeRolePolicyDocument as JsonObject).Statement as unknown as Statement[]).map((statement) => ({
        where: id,
        statement,
      })),
    );
}

/** Resource ARNs of a statement as plain strings (Fn::Sub templates kept as written). */
export function resourceStrings(s: Statement): string[] {
  return asArray(s.Resource as Json | Json[]).map((r) => {
    if (typeof r === 'string') return r;
    if (r && typeof r === 'object' && !Array.isArray(r) && 'Fn::Sub' in r) {
      const sub = r['Fn::Sub'];
      return typeof sub === 'string' ? sub : String((sub as Json[])[0]);
    }
    return JSON.stringify(r);
  });
}

/** True when an IAM action pattern (which may hold `*` or `?`) grants `action`. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(action);
}

/** Statements that allow `action`. */
export function statementsAllowing(template: JsonObject, action: string): LocatedStatement[] {
  return permissionStatements(template).filter(
    ({ statement }) => statement.Effect === 'Allow' && asArray(statement.Action).some((a) => actionMatches(a, action)),
  );
}
