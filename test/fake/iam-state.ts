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
  type Role,
  type Tag,
  type User,
} from '@aws-sdk/client-iam';
import { ErrorFactory } from './errors';
import { checkedTags } from './tag-rules';
import { iamEncode, policyProblem } from './iam-policy';
import { fromTagList, toTagList, Transition, UPPER_ALNUM, type FakeEnv, type TransitionTiming } from './service';

export type Kind = 'user' | 'role';

export interface AccessKeyState {
  id: string;
  secret: string;
  status: 'Active' | 'Inactive';
  created: Date;
}

export interface EntityState {
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
export const CAP: Record<Kind, string> = { user: 'User', role: 'Role' };

export type Input = Record<string, unknown>;

/** The users and roles of the IAM fake and what every command shares: lookup, creation, output shapes, validation. */
export abstract class IamEntities {
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
  protected readonly entities: Record<Kind, Map<string, EntityState>> = { user: new Map(), role: new Map() };
  /** Every secret access key ever issued, so tests can scan logs for them. */
  readonly issuedSecrets: string[] = [];

  constructor(
    protected readonly env: FakeEnv,
    protected readonly opts: IamFakeOptions = { rolePropagation: {} },
  ) {}

  // ---- entities ----

  protected create(kind: Kind, i: Input): EntityState {
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

  protected propagate(e: EntityState): void {
    e.propagation = new Transition('PROPAGATING', this.opts.rolePropagation, this.env.now(), () => undefined);
  }

  protected get(kind: Kind, rawName: unknown): EntityState {
    const name = this.name(kind, rawName);
    const e = this.entities[kind].get(name.toLowerCase());
    if (!e) throw this.errors.make('NoSuchEntity', `The ${kind} with name ${name} cannot be found.`);
    return e;
  }

  protected delete(kind: Kind, rawName: unknown): Record<string, never> {
    const e = this.get(kind, rawName);
    if (e.policies.size > 0) throw this.errors.make('DeleteConflict', 'Cannot delete entity, must delete policies first.');
    if (e.attached.size > 0) throw this.errors.make('DeleteConflict', 'Cannot delete entity, must detach all policies first.');
    if (e.keys.length > 0) throw this.errors.make('DeleteConflict', 'Cannot delete entity, must delete access keys first.');
    this.entities[kind].delete(e.name.toLowerCase());
    return {};
  }

  protected list(kind: Kind, pathPrefix: unknown): EntityState[] {
    const prefix = typeof pathPrefix === 'string' ? pathPrefix : '/';
    return [...this.entities[kind].values()].filter((e) => e.path.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name));
  }

  protected user(e: EntityState, withTags = true): User {
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

  protected role(e: EntityState, full: boolean): Role {
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

  protected boundaryOut(e: EntityState): Pick<User, 'PermissionsBoundary'> {
    return e.boundary ? { PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: e.boundary } } : {};
  }

  protected updateRole(i: Input): Record<string, never> {
    const e = this.get('role', i.RoleName);
    if (typeof i.Description === 'string') e.description = i.Description;
    if (typeof i.MaxSessionDuration === 'number') e.maxSessionDuration = i.MaxSessionDuration;
    return {};
  }

  protected updateTrust(rawName: unknown, doc: unknown): Record<string, never> {
    const e = this.get('role', rawName);
    const text = this.checkedPolicy(doc, 'trust');
    if (text !== e.trust) this.propagate(e);
    e.trust = text;
    return {};
  }

  protected checkedTags(current: Record<string, string>, raw: unknown): Record<string, string> {
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

  protected checkBoundary(arn: string): void {
    if (!/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/.+$/.test(arn)) {
      throw this.errors.make('InvalidInput', `ARN ${arn} is not valid.`);
    }
  }

  protected checkedPolicy(doc: unknown, kind: 'identity' | 'trust'): string {
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

  // ---- validation ----

  protected name(kind: Kind, raw: unknown): string {
    if (typeof raw !== 'string' || !NAME.test(raw)) {
      throw this.errors.make(
        'ValidationError',
        `1 validation error detected: Value '${String(raw)}' at '${kind}Name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
      );
    }
    return raw;
  }

  protected policyName(raw: unknown): string {
    if (typeof raw !== 'string' || !/^[\w+=,.@-]{1,128}$/.test(raw)) {
      throw this.errors.make(
        'ValidationError',
        `1 validation error detected: Value '${String(raw)}' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
      );
    }
    return raw;
  }
}
