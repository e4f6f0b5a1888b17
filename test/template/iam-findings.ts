import {
  asArray,
  permissionStatements,
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
 * (EC2 Describe*, GuardDuty's account-level calls, EventBridge ListRules, CloudTrail DescribeTrails).
 */
export const ACTIONS_WITHOUT_RESOURCE_SCOPE = [
  'cloudtrail:DescribeTrails',
  'ec2:DescribeVpcs',
  'ec2:DescribeFlowLogs',
  'guardduty:ListDetectors',
  'guardduty:CreateDetector',
  'events:ListRules',
];

/** Actions that create or widen a principal: each needs the boundary condition. */
export const BOUNDED_ACTIONS = ['iam:CreateRole', 'iam:CreateUser', 'iam:PutRolePolicy', 'iam:PutUserPolicy'];

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
  for (const action of BOUNDED_ACTIONS) {
    for (const { where, statement } of statementsAllowing(template, action)) {
      const cond = statement.Condition?.StringEquals as JsonObject | undefined;
      if (JSON.stringify(cond?.['iam:PermissionsBoundary']) !== JSON.stringify({ Ref: boundaryRef })) {
        findings.push(`${where}: ${action} without the iam:PermissionsBoundary condition`);
      }
    }
  }
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
    if (!keys.some((k) => k === 'aws:SourceAccount' || k === 'aws:SourceArn')) {
      findings.push(`${where}: service trust without aws:SourceAccount or aws:SourceArn`);
    }
  }
  return findings;
}
