import { type AccessKeyMetadata, type CreateAccessKeyCommandOutput } from '@aws-sdk/client-iam';
import { iamEncode, policySize } from './iam-policy';
import { ALNUM, UPPER_ALNUM, type Out } from './service';
import { CAP, IamEntities, IAM_LIMITS, type AccessKeyState, type Kind } from './iam-state';

/** IAM commands on what hangs off a user or role: tags, permissions boundary, inline and attached policies, access keys. */
export abstract class IamEntitySettings extends IamEntities {
  // ---- tags and boundaries ----

  protected tag(kind: Kind, rawName: unknown, tags: unknown): Record<string, never> {
    const e = this.get(kind, rawName);
    e.tags = this.checkedTags(e.tags, tags);
    return {};
  }

  protected untag(kind: Kind, rawName: unknown, keys: unknown): Record<string, never> {
    const e = this.get(kind, rawName);
    for (const k of (keys as string[] | undefined) ?? []) delete e.tags[k];
    return {};
  }

  protected setBoundary(kind: Kind, rawName: unknown, arn: unknown): Record<string, never> {
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

  // ---- policies ----

  protected putPolicy(kind: Kind, rawName: unknown, rawPolicy: unknown, doc: unknown): Record<string, never> {
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

  protected getPolicy(kind: Kind, rawName: unknown, rawPolicy: unknown): unknown {
    const e = this.get(kind, rawName);
    const policyName = this.policyName(rawPolicy);
    const text = e.policies.get(policyName);
    if (text === undefined) throw this.errors.make('NoSuchEntity', `The ${kind} policy with name ${policyName} cannot be found.`);
    return { [`${CAP[kind]}Name`]: e.name, PolicyName: policyName, PolicyDocument: iamEncode(text) };
  }

  protected deletePolicy(kind: Kind, rawName: unknown, rawPolicy: unknown): Record<string, never> {
    const e = this.get(kind, rawName);
    const policyName = this.policyName(rawPolicy);
    if (!e.policies.delete(policyName)) {
      throw this.errors.make('NoSuchEntity', `The ${kind} policy with name ${policyName} cannot be found.`);
    }
    return {};
  }

  protected attach(kind: Kind, rawName: unknown, arn: unknown, on: boolean): Record<string, never> {
    const e = this.get(kind, rawName);
    const policyArn = arn as string;
    if (!/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/.+$/.test(policyArn ?? '')) throw this.errors.make('InvalidInput', `ARN ${policyArn} is not valid.`);
    if (on) e.attached.add(policyArn);
    else if (!e.attached.delete(policyArn)) throw this.errors.make('NoSuchEntity', `Policy ${policyArn} was not found.`);
    return {};
  }

  protected listAttached(kind: Kind, rawName: unknown): unknown {
    const e = this.get(kind, rawName);
    return {
      AttachedPolicies: [...e.attached].sort().map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split('/').pop() })),
      IsTruncated: false,
    };
  }

  // ---- access keys ----

  protected createAccessKey(rawName: unknown): Out<CreateAccessKeyCommandOutput> {
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

  protected listAccessKeys(rawName: unknown): { AccessKeyMetadata: AccessKeyMetadata[]; IsTruncated: boolean } {
    const e = this.get('user', rawName);
    return {
      AccessKeyMetadata: e.keys.map((k) => ({ UserName: e.name, AccessKeyId: k.id, Status: k.status, CreateDate: k.created })),
      IsTruncated: false,
    };
  }

  protected updateAccessKey(rawName: unknown, keyId: unknown, status: unknown): Record<string, never> {
    this.findKey(rawName, keyId).status = status === 'Inactive' ? 'Inactive' : 'Active';
    return {};
  }

  protected deleteAccessKey(rawName: unknown, keyId: unknown): Record<string, never> {
    const e = this.get('user', rawName);
    const key = this.findKey(rawName, keyId);
    e.keys = e.keys.filter((k) => k !== key);
    return {};
  }

  protected findKey(rawName: unknown, keyId: unknown): AccessKeyState {
    const e = this.get('user', rawName);
    const key = e.keys.find((k) => k.id === keyId);
    if (!key) throw this.errors.make('NoSuchEntity', `The Access Key with id ${String(keyId)} cannot be found.`);
    return key;
  }
}
