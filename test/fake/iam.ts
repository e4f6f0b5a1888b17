import {
  ConcurrentModificationException,
  DeleteConflictException,
  EntityAlreadyExistsException,
  IAMServiceException,
  InvalidInputException,
  LimitExceededException,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  ServiceFailureException,
  UnmodifiableEntityException,
  type AccessKeyMetadata,
  type CreateAccessKeyCommandOutput,
  type GetRoleCommandOutput,
  type GetUserCommandOutput,
  type Role,
  type Tag,
  type User,
} from '@aws-sdk/client-iam';
import { ErrorFactory } from './errors';
import { checkedTags } from './tag-rules';
import { CALLERS, contextOf, type CallerId, type SourceFacts } from './caller-context';
import { iamEncode, policyAllows, policyProblem, policySize, trustAllows } from './iam-policy';
import {
  ALNUM,
  fromTagList,
  matchesOwner,
  notModelled,
  toTagList,
  Transition,
  UPPER_ALNUM,
  type FakeEnv,
  type FakeService,
  type Out,
  type OwnedResource,
  type OwnerMatch,
  type TransitionTiming,
} from './service';

type Kind = 'user' | 'role';

interface AccessKeyState {
  id: string;
  secret: string;
  status: 'Active' | 'Inactive';
  created: Date;
}

interface EntityState {
  kind: Kind;
  name: string;
  id: string;
  path: string;
  arn: string;
  created: Date;
  tags: Record<string, string>;
  boundary?: string;
  /** Inline policies: name -> document as given. */
  policies: Map<string, string>;
  attached: Set<string>;
  /** Roles only. */
  trust?: string;
  description?: string;
  maxSessionDuration?: number;
  /** Users only. */
  keys: AccessKeyState[];
  /** Roles: until this settles, services that assume the role are refused (IAM is eventually consistent). */
  propagation?: Transition<'PROPAGATING'>;
}

/**
 * What a service gets when it tries to use a role on our behalf. `assumed` tells a role the service could
 * assume but whose policies fall short (AWS reports that later, as a delivery error) from one it could not
 * assume at all (missing, not propagated yet, or its trust policy refuses the service).
 */
export type RoleUse = { ok: true; policies: string[] } | { ok: false; reason: string; assumed: boolean };

export interface IamFakeOptions {
  /** How long a new or changed role stays invisible to the services that assume it. */
  rolePropagation: TransitionTiming;
}

/** IAM quotas the fake enforces (the AWS defaults). */
export const IAM_LIMITS = { accessKeysPerUser: 2, userInlinePolicyChars: 2048, roleInlinePolicyChars: 10240, tags: 50 } as const;

const NAME = /^[\w+=,.@-]{1,64}$/;
const PATH = /^\/([\x21-\x7e]*\/)?$/;
const CAP: Record<Kind, string> = { user: 'User', role: 'Role' };

type Input = Record<string, unknown>;

/**
 * IAM users and roles with inline and attached policies, tags, permissions boundaries and access keys,
 * answering with IAM's error codes and messages (NoSuchEntity, EntityAlreadyExists, DeleteConflict,
 * LimitExceeded, MalformedPolicyDocument) and URL-encoded policy documents.
 */
export class IamFake implements FakeService {
  readonly key = 'iam' as const;
  readonly errors = new ErrorFactory({
    base: IAMServiceException,
    modeled: {
      ConcurrentModification: [ConcurrentModificationException, 409],
      DeleteConflict: [DeleteConflictException, 409],
      EntityAlreadyExists: [EntityAlreadyExistsException, 409],
      InvalidInput: [InvalidInputException, 400],
      LimitExceeded: [LimitExceededException, 409],
      MalformedPolicyDocument: [MalformedPolicyDocumentException, 400],
      NoSuchEntity: [NoSuchEntityException, 404],
      ServiceFailure: [ServiceFailureException, 500],
      UnmodifiableEntity: [UnmodifiableEntityException, 400],
    },
    protocol: 'query',
    throttling: 'Throttling',
    accessDenied: 'AccessDenied',
    actionPrefix: 'iam',
  });
  /** Keyed by lower-case name: IAM names are unique regardless of case. */
  private readonly entities: Record<Kind, Map<string, EntityState>> = { user: new Map(), role: new Map() };
  /** Every secret access key ever issued, so tests can scan logs for them. */
  readonly issuedSecrets: string[] = [];

  constructor(
    private readonly env: FakeEnv,
    private readonly opts: IamFakeOptions = { rolePropagation: {} },
  ) {}

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

  // ---- entities ----

  private create(kind: Kind, i: Input): EntityState {
    const name = this.name(kind, i[`${CAP[kind]}Name`]);
    const path = (i.Path as string | undefined) ?? '/';
    if (!PATH.test(path) || path.length > 512) {
      throw this.errors.make(
        'ValidationError',
        `The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.`,
      );
    }
    if (this.entities[kind].has(name.toLowerCase())) {
      throw this.errors.make('EntityAlreadyExists', `${CAP[kind]} with name ${name} already exists.`);
    }
    const tags = this.checkedTags({}, i.Tags);
    const boundary = i.PermissionsBoundary as string | undefined;
    if (boundary !== undefined) this.checkBoundary(boundary);
    let trust: string | undefined;
    if (kind === 'role') {
      trust = this.checkedPolicy(i.AssumeRolePolicyDocument, 'trust');
    }
    const prefix = kind === 'user' ? 'AIDA' : 'AROA';
    const e: EntityState = {
      kind,
      name,
      id: `${prefix}${this.env.random(17, UPPER_ALNUM)}`,
      path,
      arn: `arn:${this.env.partition}:iam::${this.env.account}:${kind}${path}${name}`,
      created: new Date(this.env.now()),
      tags,
      ...(boundary !== undefined ? { boundary } : {}),
      policies: new Map(),
      attached: new Set(),
      ...(trust !== undefined ? { trust } : {}),
      ...(typeof i.Description === 'string' ? { description: i.Description } : {}),
      ...(kind === 'role' ? { maxSessionDuration: (i.MaxSessionDuration as number | undefined) ?? 3600 } : {}),
      keys: [],
    };
    if (kind === 'role') this.propagate(e);
    this.entities[kind].set(name.toLowerCase(), e);
    return e;
  }

  private propagate(e: EntityState): void {
    e.propagation = new Transition('PROPAGATING', this.opts.rolePropagation, this.env.now(), () => undefined);
  }

  private get(kind: Kind, rawName: unknown): EntityState {
    const name = this.name(kind, rawName);
    const e = this.entities[kind].get(name.toLowerCase());
    if (!e) throw this.errors.make('NoSuchEntity', `The ${kind} with name ${name} cannot be found.`);
    return e;
  }

  private delete(kind: Kind, rawName: unknown): Record<string, never> {
    const e = this.get(kind, rawName);
    if (e.policies.size > 0) throw this.errors.make('DeleteConflict', 'Cannot delete entity, must delete policies first.');
    if (e.attached.size > 0) throw this.errors.make('DeleteConflict', 'Cannot delete entity, must detach all policies first.');
    if (e.keys.length > 0) throw this.errors.make('DeleteConflict', 'Cannot delete entity, must delete access keys first.');
    this.entities[kind].delete(e.name.toLowerCase());
    return {};
  }

  private list(kind: Kind, pathPrefix: unknown): EntityState[] {
    const prefix = typeof pathPrefix === 'string' ? pathPrefix : '/';
    return [...this.entities[kind].values()].filter((e) => e.path.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name));
  }

  private user(e: EntityState, withTags = true): User {
    return {
      Path: e.path,
      UserName: e.name,
      UserId: e.id,
      Arn: e.arn,
      CreateDate: e.created,
      ...this.boundaryOut(e),
      ...(withTags && Object.keys(e.tags).length > 0 ? { Tags: toTagList(e.tags) } : {}),
    };
  }

  private role(e: EntityState, full: boolean): Role {
    return {
      Path: e.path,
      RoleName: e.name,
      RoleId: e.id,
      Arn: e.arn,
      CreateDate: e.created,
      AssumeRolePolicyDocument: iamEncode(e.trust ?? ''),
      ...(e.description !== undefined ? { Description: e.description } : {}),
      MaxSessionDuration: e.maxSessionDuration,
      ...this.boundaryOut(e),
      ...(Object.keys(e.tags).length > 0 ? { Tags: toTagList(e.tags) } : {}),
      ...(full ? { RoleLastUsed: {} } : {}),
    };
  }

  private boundaryOut(e: EntityState): Pick<User, 'PermissionsBoundary'> {
    return e.boundary ? { PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: e.boundary } } : {};
  }

  private updateRole(i: Input): Record<string, never> {
    const e = this.get('role', i.RoleName);
    if (typeof i.Description === 'string') e.description = i.Description;
    if (typeof i.MaxSessionDuration === 'number') e.maxSessionDuration = i.MaxSessionDuration;
    return {};
  }

  private updateTrust(rawName: unknown, doc: unknown): Record<string, never> {
    const e = this.get('role', rawName);
    const text = this.checkedPolicy(doc, 'trust');
    if (text !== e.trust) this.propagate(e);
    e.trust = text;
    return {};
  }

  // ---- tags and boundaries ----

  private tag(kind: Kind, rawName: unknown, tags: unknown): Record<string, never> {
    const e = this.get(kind, rawName);
    e.tags = this.checkedTags(e.tags, tags);
    return {};
  }

  private untag(kind: Kind, rawName: unknown, keys: unknown): Record<string, never> {
    const e = this.get(kind, rawName);
    for (const k of (keys as string[] | undefined) ?? []) delete e.tags[k];
    return {};
  }

  private checkedTags(current: Record<string, string>, raw: unknown): Record<string, string> {
    const added = checkedTags('iam', fromTagList(raw as Tag[] | undefined), (m) => this.errors.make('ValidationError', m));
    if (Object.keys(added).some((k) => k.toLowerCase().startsWith('aws:'))) {
      throw this.errors.make('InvalidInput', 'User-defined tag keys cannot begin with aws:');
    }
    const merged = { ...current, ...added };
    if (Object.keys(merged).length > IAM_LIMITS.tags) {
      throw this.errors.make('LimitExceeded', `Cannot exceed quota for TagsPerUser/Role: ${IAM_LIMITS.tags}.`);
    }
    return merged;
  }

  private setBoundary(kind: Kind, rawName: unknown, arn: unknown): Record<string, never> {
    const e = this.get(kind, rawName);
    if (arn === undefined) {
      if (!e.boundary) throw this.errors.make('NoSuchEntity', `The ${kind} with name ${e.name} does not have a permissions boundary.`);
      delete e.boundary;
    } else {
      this.checkBoundary(arn as string);
      e.boundary = arn as string;
    }
    return {};
  }

  private checkBoundary(arn: string): void {
    if (!/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/.+$/.test(arn)) {
      throw this.errors.make('InvalidInput', `ARN ${arn} is not valid.`);
    }
  }

  // ---- policies ----

  private putPolicy(kind: Kind, rawName: unknown, rawPolicy: unknown, doc: unknown): Record<string, never> {
    const e = this.get(kind, rawName);
    const policyName = this.policyName(rawPolicy);
    const text = this.checkedPolicy(doc, 'identity');
    const limit = kind === 'user' ? IAM_LIMITS.userInlinePolicyChars : IAM_LIMITS.roleInlinePolicyChars;
    const total = [...e.policies].filter(([n]) => n !== policyName).reduce((n, [, t]) => n + policySize(t), policySize(text));
    if (total > limit) {
      throw this.errors.make('LimitExceeded', `Maximum policy size of ${limit} bytes exceeded for ${kind} ${e.name}`);
    }
    if (kind === 'role' && e.policies.get(policyName) !== text) this.propagate(e);
    e.policies.set(policyName, text);
    return {};
  }

  private getPolicy(kind: Kind, rawName: unknown, rawPolicy: unknown): unknown {
    const e = this.get(kind, rawName);
    const policyName = this.policyName(rawPolicy);
    const text = e.policies.get(policyName);
    if (text === undefined) throw this.errors.make('NoSuchEntity', `The ${kind} policy with name ${policyName} cannot be found.`);
    return { [`${CAP[kind]}Name`]: e.name, PolicyName: policyName, PolicyDocument: iamEncode(text) };
  }

  private deletePolicy(kind: Kind, rawName: unknown, rawPolicy: unknown): Record<string, never> {
    const e = this.get(kind, rawName);
    const policyName = this.policyName(rawPolicy);
    if (!e.policies.delete(policyName)) {
      throw this.errors.make('NoSuchEntity', `The ${kind} policy with name ${policyName} cannot be found.`);
    }
    return {};
  }

  private attach(kind: Kind, rawName: unknown, arn: unknown, on: boolean): Record<string, never> {
    const e = this.get(kind, rawName);
    const policyArn = arn as string;
    if (!/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/.+$/.test(policyArn ?? '')) throw this.errors.make('InvalidInput', `ARN ${policyArn} is not valid.`);
    if (on) e.attached.add(policyArn);
    else if (!e.attached.delete(policyArn)) throw this.errors.make('NoSuchEntity', `Policy ${policyArn} was not found.`);
    return {};
  }

  private listAttached(kind: Kind, rawName: unknown): unknown {
    const e = this.get(kind, rawName);
    return {
      AttachedPolicies: [...e.attached].sort().map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split('/').pop() })),
      IsTruncated: false,
    };
  }

  private checkedPolicy(doc: unknown, kind: 'identity' | 'trust'): string {
    if (typeof doc !== 'string' || doc.length === 0) {
      throw this.errors.make(
        'ValidationError',
        `1 validation error detected: Value null at 'policyDocument' failed to satisfy constraint: Member must not be null`,
      );
    }
    const problem = policyProblem(doc, kind);
    if (problem) throw this.errors.make('MalformedPolicyDocument', problem);
    return doc;
  }

  // ---- access keys ----

  private createAccessKey(rawName: unknown): Out<CreateAccessKeyCommandOutput> {
    const e = this.get('user', rawName);
    if (e.keys.length >= IAM_LIMITS.accessKeysPerUser) {
      throw this.errors.make('LimitExceeded', `Cannot exceed quota for AccessKeysPerUser: ${IAM_LIMITS.accessKeysPerUser}`);
    }
    const key: AccessKeyState = {
      id: `AKIA${this.env.random(16, UPPER_ALNUM)}`,
      secret: this.env.random(40, `${ALNUM}+/`),
      status: 'Active',
      created: new Date(this.env.now()),
    };
    e.keys.push(key);
    this.issuedSecrets.push(key.secret);
    return { AccessKey: { UserName: e.name, AccessKeyId: key.id, Status: key.status, SecretAccessKey: key.secret, CreateDate: key.created } };
  }

  private listAccessKeys(rawName: unknown): { AccessKeyMetadata: AccessKeyMetadata[]; IsTruncated: boolean } {
    const e = this.get('user', rawName);
    return {
      AccessKeyMetadata: e.keys.map((k) => ({ UserName: e.name, AccessKeyId: k.id, Status: k.status, CreateDate: k.created })),
      IsTruncated: false,
    };
  }

  private updateAccessKey(rawName: unknown, keyId: unknown, status: unknown): Record<string, never> {
    this.findKey(rawName, keyId).status = status === 'Inactive' ? 'Inactive' : 'Active';
    return {};
  }

  private deleteAccessKey(rawName: unknown, keyId: unknown): Record<string, never> {
    const e = this.get('user', rawName);
    const key = this.findKey(rawName, keyId);
    e.keys = e.keys.filter((k) => k !== key);
    return {};
  }

  private findKey(rawName: unknown, keyId: unknown): AccessKeyState {
    const e = this.get('user', rawName);
    const key = e.keys.find((k) => k.id === keyId);
    if (!key) throw this.errors.make('NoSuchEntity', `The Access Key with id ${String(keyId)} cannot be found.`);
    return key;
  }

  // ---- validation ----

  private name(kind: Kind, raw: unknown): string {
    if (typeof raw !== 'string' || !NAME.test(raw)) {
      throw this.errors.make(
        'ValidationError',
        `1 validation error detected: Value '${String(raw)}' at '${kind}Name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
      );
    }
    return raw;
  }

  private policyName(raw: unknown): string {
    if (typeof raw !== 'string' || !/^[\w+=,.@-]{1,128}$/.test(raw)) {
      throw this.errors.make(
        'ValidationError',
        `1 validation error detected: Value '${String(raw)}' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
      );
    }
    return raw;
  }
}
