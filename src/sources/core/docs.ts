import type { ModuleDocs } from '../types';

/** The console text and README rows of the core parameters (not in the Lambda bundles). */
export const coreDocs: ModuleDocs = {
  PipelineName: {
    description: 'Every resource is named siem-<PipelineName>-...; changing it replaces the whole pipeline.',
    label: 'Pipeline name (prefix of every resource name)',
    group: 'Pipeline',
    config: 'name',
    allowedPattern: '^[a-z][a-z0-9-]{0,18}[a-z0-9]$',
    constraint: '2-20 characters of lowercase letters, digits and hyphens, starting with a letter.',
    doc: {
      default: '`siem`',
      allowed: '2–20 lowercase letters, digits, `-`',
      meaning: 'Prefix of every resource name (`siem-<name>-...`). Changing it replaces the pipeline: the new one is built, then the old one is deleted.',
    },
  },
  StreamMode: {
    description:
      'PROVISIONED (about $11 per shard-month: $0.015 per shard-hour, plus $0.014 per million PUT payload units) or ON_DEMAND (about $29 per month minimum: $0.04 per stream-hour, plus $0.08 per GB in; scales itself).',
    label: 'Capacity mode',
    group: 'Kinesis data stream',
    config: 'stream.mode',
    doc: {
      default: '`PROVISIONED`',
      allowed: '`PROVISIONED`, `ON_DEMAND`',
      meaning: 'Kinesis capacity mode.',
    },
  },
  ShardCount: {
    description: 'Shards in PROVISIONED mode; each takes 1 MB/s and 1000 records/s.',
    label: 'Shards (provisioned mode)',
    group: 'Kinesis data stream',
    config: 'stream.shardCount',
    doc: {
      default: '`1`',
      allowed: '1–500',
      meaning: 'Shards in provisioned mode (1 MB/s and 1000 records/s each). Changed in place.',
    },
  },
  RetentionHours: {
    description: 'How long records stay in the stream (over 24 hours costs extra).',
    label: 'Record retention (hours)',
    group: 'Kinesis data stream',
    config: 'stream.retentionHours',
    doc: {
      default: '`24`',
      allowed: '24–8760',
      meaning: 'How long the stream keeps records. Changed in place.',
    },
  },
  SiemAccess: {
    description:
      "IamUser: a read-only IAM user whose access key is kept in Secrets Manager. CrossAccountRole: a read-only role the SIEM's AWS account assumes with an external id.",
    label: 'How the SIEM reads the stream',
    group: 'SIEM read access',
    config: 'siemAccess.kind',
    doc: {
      default: '`IamUser`',
      allowed: '`IamUser`, `CrossAccountRole`',
      meaning: "How the SIEM reads: an IAM user whose access key is kept in Secrets Manager, or a role the SIEM's account assumes with an external id.",
    },
  },
  AccessKeyRotation: {
    description: "Any value; change it to rotate the IAM user's access key (the secret gets the new key).",
    label: 'Access key rotation token (change to rotate)',
    group: 'SIEM read access',
    config: 'siemAccess.rotationToken',
    allowedPattern: '^[A-Za-z0-9._:-]{0,64}$',
    constraint: 'up to 64 letters, digits and . _ : -',
    doc: {
      default: '`1`',
      allowed: 'up to 64 of `A-Z a-z 0-9 . _ : -`',
      meaning: "Change to any other value to rotate the user's access key: a new key is stored in the secret, then the old one is deleted.",
    },
  },
  SecretReaderArns: {
    description:
      "IamUser only: the roles or users (up to 10) that may read the access key secret. The secret's resource policy denies everyone else, even principals allowed secretsmanager:*; empty lets only the stack's provisioner in.",
    label: 'IAM roles or users that may read the access key secret (comma-separated ARNs)',
    group: 'SIEM read access',
    config: 'siemAccess.secretReaders',
    allowedPattern: '^(arn:aws[a-z-]*:iam::\\d{12}:(role|user)/[\\w+=,.@/-]+)?(,\\s*arn:aws[a-z-]*:iam::\\d{12}:(role|user)/[\\w+=,.@/-]+)*$',
    constraint: 'comma-separated IAM role or user ARNs, or empty.',
    doc: {
      default: 'empty',
      allowed: 'up to 10 comma-separated IAM role/user ARNs',
      meaning:
        "`IamUser` only: who may read the access key secret. Its resource policy denies everyone else, even principals allowed `secretsmanager:*`; empty lets only the stack's provisioner in.",
    },
  },
  SecretKmsKeyArn: {
    description:
      'IamUser only: a customer managed KMS key (in this region) for the access key secret; its key policy must let the readers decrypt through Secrets Manager. Empty uses the AWS managed key aws/secretsmanager.',
    label: 'KMS key of the access key secret (empty = AWS managed key)',
    group: 'SIEM read access',
    config: 'siemAccess.secretKmsKeyArn',
    allowedPattern: '^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/[A-Za-z0-9-]+)?$',
    constraint: 'a KMS key ARN, or empty.',
    doc: {
      default: 'empty (AWS managed key)',
      allowed: 'a KMS key ARN of this region',
      meaning: '`IamUser` only: customer managed key of the secret. Changing it re-keys the secret and rotates the access key.',
    },
  },
  SiemAccountId: {
    description: "The SIEM vendor's AWS account (CrossAccountRole only).",
    label: 'SIEM AWS account id (cross-account role)',
    group: 'SIEM read access',
    config: 'siemAccess.trustedAccountId',
    allowedPattern: '^(\\d{12})?$',
    constraint: 'a 12-digit AWS account id, or empty.',
    doc: {
      default: 'empty',
      allowed: '12 digits',
      meaning: "The SIEM vendor's AWS account (`CrossAccountRole`: required, checked by the template's Rules before anything is created).",
    },
  },
  SiemExternalId: {
    description: 'The external id the SIEM vendor gave you (CrossAccountRole only).',
    label: 'External id required by the role',
    group: 'SIEM read access',
    config: 'siemAccess.externalId',
    noEcho: true,
    allowedPattern: '^([\\w+=,.@:/-]{2,1224})?$',
    constraint: '2-1224 characters of letters, digits and +=,.@:/-_, or empty.',
    doc: {
      default: 'empty (NoEcho)',
      allowed: '2–1224 of `\\w+=,.@:/-`',
      meaning: "External id the role requires (`CrossAccountRole`: required, checked by the template's Rules). Never logged.",
    },
  },
};
