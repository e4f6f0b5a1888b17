import { TRUST_KEYS } from './condition-key-check';
import {
  asArray,
  permissionStatements,
  type Json,
  type Statement,
  resourceStrings,
  statementsAllowing,
  trustStatements,
  type JsonObject,
} from './template-helpers';

/** IAM actions that would let the provisioner lift or bypass the permissions boundary. */
export const FORBIDDEN_ACTIONS = [
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteUserPermissionsBoundary',
  'iam:PutRolePermissionsBoundary',
  'iam:PutUserPermissionsBoundary',
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:DeletePolicy',
  'iam:AttachRolePolicy',
  'iam:AttachUserPolicy',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:AddUserToGroup',
];

/**
 * Actions AWS offers no resource-level permissions for: only these may have Resource "*"
 * (EC2 Describe*, GuardDuty's account-level calls, EventBridge ListRules, CloudTrail DescribeTrails, Kinesis DescribeLimits).
 */
export const ACTIONS_WITHOUT_RESOURCE_SCOPE = [
  'cloudtrail:DescribeTrails',
  'ec2:DescribeVpcs',
  'ec2:DescribeFlowLogs',
  'guardduty:ListDetectors',
  'guardduty:CreateDetector',
  'events:ListRules',
  // No resource types in the Service Authorization Reference (test/template/fixtures/condition-keys.json).
  'logs:DescribeLogGroups',
  'kinesis:UpdateShardCount',
  'kinesis:UpdateStreamMode',
  'kinesis:DescribeLimits',
];

/**
 * Actions that create, widen, rewrite or remove a principal: each needs the iam:PermissionsBoundary condition
 * naming only our boundaries, so no principal without one of them can be made, rewritten or removed.
 * The key is documented for each of these actions in the Service Authorization Reference (IAM):
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
 */
export const BOUNDED_ACTIONS = [
  'iam:CreateRole',
  'iam:CreateUser',
  'iam:PutRolePolicy',
  'iam:PutUserPolicy',
  'iam:UpdateAssumeRolePolicy',
  'iam:DeleteRole',
  'iam:DeleteRolePolicy',
  'iam:DeleteUserPolicy',
];

/** Our permissions boundaries: the delivery roles' and the SIEM reader's. */
export const BOUNDARY_REFS = ['PipelineBoundary', 'ReaderBoundary'];

/** The stack's ownership tag, as a condition key on a resource or a request. */
export const STACK_TAG = 'siem-pipeline:stack';

/**
 * Actions on the reader's user that need our stack tag on it (aws:ResourceTag, documented for each in the
 * IAM Service Authorization Reference): a key can only be made or removed for the user this stack owns.
 */
export const STACK_TAGGED_ACTIONS = ['iam:CreateAccessKey', 'iam:DeleteAccessKey', 'iam:DeleteUser'];

/** Tagging actions: keys limited with aws:TagKeys and our stack id required in aws:RequestTag (both documented for them). */
export const TAG_ACTIONS = ['iam:TagRole', 'iam:TagUser', 'guardduty:TagResource'];

/**
 * Other actions and the condition key each must carry, one of the listed (each documented for the action in its
 * service's reference). UpdateDetector: only a detector recorded as this stack's, created or adopted.
 */
export const REQUIRED_CONDITION_KEYS: [action: string, keys: string[]][] = [
  ['events:PutTargets', ['events:TargetArn']],
  ['guardduty:UpdateDetector', [`aws:ResourceTag/${STACK_TAG}`, 'aws:ResourceTag/siem-pipeline:adopted-stack']],
  ['guardduty:CreateDetector', ['aws:RequestedRegion']],
];

/** IAM actions on principals by a wildcard name: `*` also matches `/`, so nested paths must be denied beside them. */
const PRINCIPAL_ARN = /:(role|user)\/siem-pipeline\/.*\*/;

/**
 * Every least-privilege and escalation problem in a template's IAM, as readable findings.
 * An empty list means: no `*` actions, scoped resources, the boundary on every principal create,
 * no boundary removal, PassRole only to named services, confused-deputy conditions on service trust.
 */
export function iamFindings(template: JsonObject, boundaryRef = 'PipelineBoundary'): string[] {
  const findings: string[] = [];
  for (const { where, statement } of permissionStatements(template)) {
    const at = `${where}${statement.Sid ? `/${statement.Sid}` : ''}`;
    if (statement.NotAction) findings.push(`${at}: NotAction`);
    for (const a of asArray(statement.Action)) if (a.includes('*')) findings.push(`${at}: wildcard action ${a}`);
    const arns = resourceStrings(statement);
    if (arns.length === 0) findings.push(`${at}: no Resource`);
    const unscopable = asArray(statement.Action).every((a) => ACTIONS_WITHOUT_RESOURCE_SCOPE.includes(a));
    for (const arn of arns) {
      if (arn === '*' && unscopable) continue;
      if (arn === '*' || !/^(arn:|\$\{)/.test(arn)) findings.push(`${at}: unscoped resource ${arn}`);
    }
  }
  const boundaries = boundaryRef === 'PipelineBoundary' ? BOUNDARY_REFS : [boundaryRef];
  for (const action of BOUNDED_ACTIONS) {
    for (const { where, statement } of statementsAllowing(template, action)) {
      const named = asArray(conditionValue(statement, 'StringEquals', 'iam:PermissionsBoundary'));
      const ours = named.length > 0 && named.every((v) => boundaries.includes(String((v as JsonObject | null)?.Ref)));
      if (!ours) findings.push(`${where}: ${action} without the iam:PermissionsBoundary condition`);
    }
  }
  for (const action of STACK_TAGGED_ACTIONS) {
    for (const { where, statement } of statementsAllowing(template, action)) {
      if (!isStackId(conditionValue(statement, 'StringEquals', `aws:ResourceTag/${STACK_TAG}`))) {
        findings.push(`${where}: ${action} without our stack tag on the resource`);
      }
    }
  }
  for (const action of TAG_ACTIONS) {
    for (const { where, statement } of statementsAllowing(template, action)) {
      const keys = conditionValue(statement, 'ForAllValues:StringEquals', 'aws:TagKeys');
      // StringEqualsIfExists: a request that records an adoption instead names this stack in its own key.
      const stackValue =
        conditionValue(statement, 'StringEquals', `aws:RequestTag/${STACK_TAG}`) ??
        conditionValue(statement, 'StringEqualsIfExists', `aws:RequestTag/${STACK_TAG}`);
      if (!keys || !isStackId(stackValue)) {
        findings.push(`${where}: ${action} without limits on tag keys and our stack tag value`);
      }
    }
  }
  for (const [action, required] of REQUIRED_CONDITION_KEYS) {
    for (const { where, statement } of statementsAllowing(template, action)) {
      const keys = Object.values(statement.Condition ?? {}).flatMap((c) => Object.keys(c as JsonObject));
      if (!required.some((k) => keys.includes(k))) findings.push(`${where}: ${action} without the ${required.join(' or ')} condition`);
    }
  }
  findings.push(...nestedPathFindings(template));
  for (const action of FORBIDDEN_ACTIONS) {
    for (const { where } of statementsAllowing(template, action)) findings.push(`${where}: allows ${action}`);
  }
  for (const { where, statement } of statementsAllowing(template, 'iam:PassRole')) {
    const services = (statement.Condition?.StringEquals as JsonObject | undefined)?.['iam:PassedToService'];
    if (!services || asArray(services as string | string[]).length === 0) findings.push(`${where}: iam:PassRole without iam:PassedToService`);
  }
  for (const { where, statement } of trustStatements(template)) {
    const principal = (statement.Principal ?? {}) as JsonObject;
    if (!('Service' in principal)) continue;
    const keys = Object.values(statement.Condition ?? {}).flatMap((c) => Object.keys(c as JsonObject));
    // Confused-deputy guard with the keys the service documents sending; none where it documents none.
    const sent = asArray(principal.Service as string | string[]).flatMap((s) => TRUST_KEYS[s] ?? []);
    if (sent.length > 0 && !keys.some((k) => sent.includes(k))) {
      findings.push(`${where}: service trust without ${sent.join(' or ')}`);
    }
  }
  return findings;
}

function conditionValue(statement: Statement, operator: string, key: string): Json | undefined {
  return (statement.Condition?.[operator] as JsonObject | undefined)?.[key];
}

function isStackId(value: Json | undefined): boolean {
  return JSON.stringify(value) === JSON.stringify({ Ref: 'AWS::StackId' });
}

/** Each IAM write allowed on a wildcard principal name needs a Deny of it on `…/siem-pipeline/*\/*` in the same policy. */
function nestedPathFindings(template: JsonObject): string[] {
  const all = permissionStatements(template);
  const findings: string[] = [];
  for (const { where, statement } of all) {
    if (statement.Effect !== 'Allow') continue;
    const kinds = new Set(resourceStrings(statement).flatMap((arn) => PRINCIPAL_ARN.exec(arn)?.[1] ?? []));
    // Reads reveal nothing we do not name; every IAM write on a wildcard name needs the Deny.
    for (const action of asArray(statement.Action).filter((a) => a.startsWith('iam:') && !/^iam:(Get|List)/.test(a))) {
      for (const kind of kinds) {
        const denied = all.some(
          (d) =>
            d.where === where &&
            d.statement.Effect === 'Deny' &&
            asArray(d.statement.Action).includes(action) &&
            resourceStrings(d.statement).some((arn) => arn.endsWith(`:${kind}/siem-pipeline/*/*`)),
        );
        if (!denied) findings.push(`${where}: ${action} on ${kind}s by a wildcard name without a Deny of nested paths`);
      }
    }
  }
  return [...new Set(findings)];
}
