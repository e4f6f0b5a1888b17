import {
  InvalidParameterException,
  InvalidRequestException,
  LimitExceededException,
  MalformedPolicyDocumentException,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { ErrorFactory } from './errors';
import { type FakeEnv } from './service';

export interface VersionState {
  id: string;
  value: string;
  stages: string[];
  created: Date;
}

export interface SecretState {
  name: string;
  arn: string;
  description?: string;
  kmsKeyId?: string;
  /** The resource policy as put (JSON text). */
  policy?: string;
  tags: Record<string, string>;
  versions: VersionState[];
  created: Date;
  changed: Date;
  /** Set while the secret is scheduled for deletion (recovery window). */
  deletionDate?: Date;
}

export const NAME = /^[\w/+=.@-]{1,512}$/;
export const MARKED_FOR_DELETION = "You can't perform this operation on the secret because it was marked for deletion.";

/** The secrets of the Secrets Manager fake and what its commands share: versions, lookup by name or ARN, deletion state. */
export abstract class SecretsStore {
  readonly key = 'secrets' as const;
  readonly errors = new ErrorFactory({
    base: SecretsManagerServiceException,
    modeled: {
      InvalidParameterException: [InvalidParameterException, 400],
      InvalidRequestException: [InvalidRequestException, 400],
      LimitExceededException: [LimitExceededException, 400],
      MalformedPolicyDocumentException: [MalformedPolicyDocumentException, 400],
      ResourceExistsException: [ResourceExistsException, 400],
      ResourceNotFoundException: [ResourceNotFoundException, 400],
    },
    protocol: 'json',
    throttling: 'ThrottlingException',
    accessDenied: 'AccessDeniedException',
    actionPrefix: 'secretsmanager',
  });
  protected readonly secrets = new Map<string, SecretState>();

  constructor(protected readonly env: FakeEnv) {}

  // ---- helpers ----

  protected addVersion(s: SecretState, value: string, token: string | undefined, stages: string[]): VersionState {
    // A label lives on one version at a time; moving AWSCURRENT turns the old current into AWSPREVIOUS.
    const movesCurrent = stages.includes('AWSCURRENT');
    for (const v of s.versions) {
      const wasCurrent = v.stages.includes('AWSCURRENT');
      v.stages = v.stages.filter((x) => !stages.includes(x) && !(movesCurrent && x === 'AWSPREVIOUS'));
      if (movesCurrent && wasCurrent) v.stages.push('AWSPREVIOUS');
    }
    const version: VersionState = { id: token ?? this.env.uuid(), value, stages: [...stages], created: new Date(this.env.now()) };
    s.versions.push(version);
    s.changed = version.created;
    return version;
  }

  protected lookup(id: string): SecretState | undefined {
    const byName = this.secrets.get(id);
    if (byName) return byName;
    for (const s of this.secrets.values()) {
      // A full ARN, or a partial ARN without the random suffix.
      if (s.arn === id || s.arn.slice(0, -7) === id) return s;
    }
    return undefined;
  }

  protected find(id: string | undefined): SecretState {
    const s = id === undefined ? undefined : this.lookup(id);
    if (!s) throw this.errors.make('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return s;
  }

  protected live(id: string | undefined): SecretState {
    const s = this.find(id);
    if (s.deletionDate) throw this.errors.make('InvalidRequestException', MARKED_FOR_DELETION);
    return s;
  }
}
