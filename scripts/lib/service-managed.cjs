// What a template must be for a service-managed StackSet, and the IAM capabilities it needs.
'use strict';

/** IAM resource types and the property that gives them a custom name (which needs CAPABILITY_NAMED_IAM). */
const IAM_NAME_PROPERTY = {
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
};
/** Resource types that make CloudFormation ask for CAPABILITY_IAM without a name property. */
const IAM_OTHER = [
  'AWS::IAM::AccessKey',
  'AWS::IAM::Policy',
  'AWS::IAM::UserToGroupAddition',
  'AWS::IAM::RolePolicy',
  'AWS::IAM::UserPolicy',
  'AWS::IAM::GroupPolicy',
];

function containsKey(value, key) {
  if (Array.isArray(value)) return value.some((v) => containsKey(v, key));
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => k === key || containsKey(v, key));
  return false;
}

/**
 * Why a service-managed StackSet would refuse the template ([] when it would not): a Transform (SAM,
 * AWS::Include, macros: "Transform is not supported in SERVICE_MANAGED permission model"), an
 * Fn::Transform, or a nested stack.
 */
function serviceManagedProblems(template) {
  const problems = [];
  if (template.Transform !== undefined) problems.push(`Transform ${JSON.stringify(template.Transform)}`);
  for (const [id, r] of Object.entries(template.Resources || {})) {
    if (r.Type === 'AWS::CloudFormation::Stack') problems.push(`${id}: nested stack (AWS::CloudFormation::Stack)`);
    if (String(r.Type).startsWith('AWS::Serverless::')) problems.push(`${id}: ${r.Type} needs the SAM transform`);
  }
  if (containsKey(template, 'Fn::Transform')) problems.push('Fn::Transform (a macro or AWS::Include)');
  return problems;
}

/** The capabilities the template needs: CAPABILITY_NAMED_IAM for named IAM resources, else CAPABILITY_IAM, else none. */
function requiredCapabilities(template) {
  const resources = Object.values(template.Resources || {});
  if (resources.some((r) => IAM_NAME_PROPERTY[r.Type] && r.Properties && r.Properties[IAM_NAME_PROPERTY[r.Type]] !== undefined))
    return ['CAPABILITY_NAMED_IAM'];
  if (resources.some((r) => IAM_NAME_PROPERTY[r.Type] || IAM_OTHER.includes(r.Type))) return ['CAPABILITY_IAM'];
  return [];
}

module.exports = { serviceManagedProblems, requiredCapabilities };
