import { type GetRoleCommandOutput, type GetUserCommandOutput } from '@aws-sdk/client-iam';
import { CALLERS, contextOf, type CallerId, type SourceFacts } from './caller-context';
import { policyAllows, trustAllows } from './iam-policy';
import { matchesOwner, notModelled, toTagList, type FakeService, type Out, type OwnedResource, type OwnerMatch } from './service';
import { IamEntitySettings } from './iam-settings';
import type { EntityState, Input, Kind, RoleUse } from './iam-state';

export { IAM_LIMITS, type IamFakeOptions, type RoleUse } from './iam-state';

/**
 * IAM users and roles with inline and attached policies, tags, permissions boundaries and access keys,
 * answering with IAM's error codes and messages (NoSuchEntity, EntityAlreadyExists, DeleteConflict,
 * LimitExceeded, MalformedPolicyDocument) and URL-encoded policy documents.
 */
export class IamFake extends IamEntitySettings implements FakeService {
  private readonly handlers: Record<string, (i: Input) => unknown> = {
    CreateUser: (i) => ({ User: this.user(this.create('user', i)) }),
    GetUser: (i): Out<GetUserCommandOutput> => ({ User: this.user(this.get('user', i.UserName)) }),
    DeleteUser: (i) => this.delete('user', i.UserName),
    ListUsers: (i) => ({ Users: this.list('user', i.PathPrefix).map((e) => this.user(e, false)), IsTruncated: false }),
    TagUser: (i) => this.tag('user', i.UserName, i.Tags),
    UntagUser: (i) => this.untag('user', i.UserName, i.TagKeys),
    ListUserTags: (i) => ({ Tags: toTagList(this.get('user', i.UserName).tags), IsTruncated: false }),
    PutUserPermissionsBoundary: (i) => this.setBoundary('user', i.UserName, i.PermissionsBoundary),
    DeleteUserPermissionsBoundary: (i) => this.setBoundary('user', i.UserName, undefined),
    PutUserPolicy: (i) => this.putPolicy('user', i.UserName, i.PolicyName, i.PolicyDocument),
    GetUserPolicy: (i) => this.getPolicy('user', i.UserName, i.PolicyName),
    DeleteUserPolicy: (i) => this.deletePolicy('user', i.UserName, i.PolicyName),
    ListUserPolicies: (i) => ({ PolicyNames: [...this.get('user', i.UserName).policies.keys()].sort(), IsTruncated: false }),
    AttachUserPolicy: (i) => this.attach('user', i.UserName, i.PolicyArn, true),
    DetachUserPolicy: (i) => this.attach('user', i.UserName, i.PolicyArn, false),
    ListAttachedUserPolicies: (i) => this.listAttached('user', i.UserName),
    CreateAccessKey: (i) => this.createAccessKey(i.UserName),
    ListAccessKeys: (i) => this.listAccessKeys(i.UserName),
    UpdateAccessKey: (i) => this.updateAccessKey(i.UserName, i.AccessKeyId, i.Status),
    DeleteAccessKey: (i) => this.deleteAccessKey(i.UserName, i.AccessKeyId),
    CreateRole: (i) => ({ Role: this.role(this.create('role', i), false) }),
    GetRole: (i): Out<GetRoleCommandOutput> => ({ Role: this.role(this.get('role', i.RoleName), true) }),
    DeleteRole: (i) => this.delete('role', i.RoleName),
    ListRoles: (i) => ({ Roles: this.list('role', i.PathPrefix).map((e) => this.role(e, false)), IsTruncated: false }),
    UpdateRole: (i) => this.updateRole(i),
    UpdateAssumeRolePolicy: (i) => this.updateTrust(i.RoleName, i.PolicyDocument),
    TagRole: (i) => this.tag('role', i.RoleName, i.Tags),
    UntagRole: (i) => this.untag('role', i.RoleName, i.TagKeys),
    ListRoleTags: (i) => ({ Tags: toTagList(this.get('role', i.RoleName).tags), IsTruncated: false }),
    PutRolePermissionsBoundary: (i) => this.setBoundary('role', i.RoleName, i.PermissionsBoundary),
    DeleteRolePermissionsBoundary: (i) => this.setBoundary('role', i.RoleName, undefined),
    PutRolePolicy: (i) => this.putPolicy('role', i.RoleName, i.PolicyName, i.PolicyDocument),
    GetRolePolicy: (i) => this.getPolicy('role', i.RoleName, i.PolicyName),
    DeleteRolePolicy: (i) => this.deletePolicy('role', i.RoleName, i.PolicyName),
    ListRolePolicies: (i) => ({ PolicyNames: [...this.get('role', i.RoleName).policies.keys()].sort(), IsTruncated: false }),
    AttachRolePolicy: (i) => this.attach('role', i.RoleName, i.PolicyArn, true),
    DetachRolePolicy: (i) => this.attach('role', i.RoleName, i.PolicyArn, false),
    ListAttachedRolePolicies: (i) => this.listAttached('role', i.RoleName),
  };

  readonly commands = Object.keys(this.handlers);

  handle(command: string, input: Record<string, unknown>): unknown {
    const h = this.handlers[command];
    if (!h) return notModelled(this.key, command);
    return h(input);
  }

  /** An inline policy document exactly as stored (not URL-encoded), for test assertions. */
  inlinePolicy(kind: Kind, entityName: string, policyName: string): string | undefined {
    return this.entities[kind].get(entityName.toLowerCase())?.policies.get(policyName);
  }

  /**
   * A service (`caller`, e.g. CloudWatch Logs delivering to Kinesis) assumes a role to act for us: refused until
   * the role has propagated (each attempt counts toward it), when the trust policy does not let the service in
   * with the context keys its documentation says it sends (caller-context.ts), or when its inline policies do not
   * allow every one of `actions` on `resource`.
   */
  useRole(roleArn: string | undefined, caller: CallerId, facts: SourceFacts, actions: readonly string[], resource: string): RoleUse {
    const service = CALLERS[caller].principal;
    const role = [...this.entities.role.values()].find((e) => e.arn === roleArn);
    if (!role) return { ok: false, reason: `role ${String(roleArn)} does not exist`, assumed: false };
    if (role.propagation && !role.propagation.isDone(this.env.now(), true))
      return { ok: false, reason: `role ${role.name} has not propagated yet`, assumed: false };
    role.propagation = undefined;
    if (!trustAllows(role.trust ?? '', service, contextOf(caller, facts)))
      return { ok: false, reason: `${service} may not assume role ${role.name}`, assumed: false };
    const policies = [...role.policies.values()];
    const missing = actions.find((a) => !policies.some((p) => policyAllows(p, a, resource)));
    if (missing) return { ok: false, reason: `role ${role.name} does not allow ${missing} on ${resource}`, assumed: true };
    return { ok: true, policies };
  }

  snapshot(): unknown {
    const dump = (e: EntityState) => ({
      name: e.name,
      arn: e.arn,
      path: e.path,
      tags: { ...e.tags },
      ...(e.boundary ? { boundary: e.boundary } : {}),
      policies: Object.fromEntries(e.policies),
      attached: [...e.attached].sort(),
      ...(e.kind === 'role' ? { trust: e.trust } : { accessKeys: e.keys.map((k) => ({ id: k.id, status: k.status })) }),
    });
    return { users: [...this.entities.user.values()].map(dump), roles: [...this.entities.role.values()].map(dump) };
  }

  owned(match: OwnerMatch): OwnedResource[] {
    return (['user', 'role'] as const).flatMap((kind) =>
      [...this.entities[kind].values()].filter((e) => matchesOwner(match, e.name, e.tags)).map((e) => ({ service: this.key, type: kind, id: e.name })),
    );
  }
}
