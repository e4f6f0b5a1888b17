import type { PipelineConfig, SiemAccessKind, StreamMode } from '../../config/pipeline-config';
import type { ParameterReader } from '../parameter-reader';
import type { ModuleParameters, ParameterSpec } from '../types';

/** Lowercase, 2-20 characters: every resource name derives from it. */
export const PIPELINE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,18}[a-z0-9]$/;
/** An IAM role or user ARN (any path); aws:PrincipalArn of a role session is its role's ARN. */
const PRINCIPAL_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;
const KMS_KEY_ARN_PATTERN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]{1,128}$/;
const MAX_SECRET_READERS = 10;
const NAME_RULE = '2-20 characters: lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen';
const PIPELINE: ParameterSpec['targets'] = ['pipeline'];

const STREAM_GROUP = 'Kinesis data stream';
const ACCESS_GROUP = 'SIEM read access';

export const PipelineName: ParameterSpec = {
  name: 'PipelineName',
  rule: { kind: 'pattern', pattern: PIPELINE_NAME_PATTERN, rule: NAME_RULE, allowedPattern: PIPELINE_NAME_PATTERN.source, constraint: '2-20 characters of lowercase letters, digits and hyphens, starting with a letter.' },
  default: 'siem',
  // Required by the provisioner: the template always passes it, a CLI user must name the pipeline.
  parseDefault: '',
  description: 'Every resource is named siem-<PipelineName>-...; changing it replaces the whole pipeline.',
  label: 'Pipeline name (prefix of every resource name)',
  group: 'Pipeline',
  config: 'name',
  targets: ['pipeline', 'enroller'],
  doc: { default: '`siem`', allowed: '2–20 lowercase letters, digits, `-`', meaning: 'Prefix of every resource name (`siem-<name>-...`). Changing it replaces the pipeline: the new one is built, then the old one is deleted.' },
};

const StreamModeSpec: ParameterSpec = {
  name: 'StreamMode',
  rule: { kind: 'choice', values: ['PROVISIONED', 'ON_DEMAND'] },
  default: 'PROVISIONED',
  description:
    'PROVISIONED (about $11 per shard-month: $0.015 per shard-hour, plus $0.014 per million PUT payload units) or ON_DEMAND (about $29 per month minimum: $0.04 per stream-hour, plus $0.08 per GB in; scales itself).',
  label: 'Capacity mode',
  group: STREAM_GROUP,
  config: 'stream.mode',
  targets: PIPELINE,
  doc: { default: '`PROVISIONED`', allowed: '`PROVISIONED`, `ON_DEMAND`', meaning: 'Kinesis capacity mode.' },
};

const ShardCount: ParameterSpec = {
  name: 'ShardCount',
  rule: { kind: 'int', min: 1, max: 500 },
  default: '1',
  description: 'Shards in PROVISIONED mode; each takes 1 MB/s and 1000 records/s.',
  label: 'Shards (provisioned mode)',
  group: STREAM_GROUP,
  config: 'stream.shardCount',
  targets: PIPELINE,
  doc: { default: '`1`', allowed: '1–500', meaning: 'Shards in provisioned mode (1 MB/s and 1000 records/s each). Changed in place.' },
};

const RetentionHours: ParameterSpec = {
  name: 'RetentionHours',
  rule: { kind: 'int', min: 24, max: 8760 },
  default: '24',
  description: 'How long records stay in the stream (over 24 hours costs extra).',
  label: 'Record retention (hours)',
  group: STREAM_GROUP,
  config: 'stream.retentionHours',
  targets: PIPELINE,
  doc: { default: '`24`', allowed: '24–8760', meaning: 'How long the stream keeps records. Changed in place.' },
};

const SiemAccess: ParameterSpec = {
  name: 'SiemAccess',
  rule: { kind: 'choice', values: ['IamUser', 'CrossAccountRole'] },
  default: 'IamUser',
  description:
    "IamUser: a read-only IAM user whose access key is kept in Secrets Manager. CrossAccountRole: a read-only role the SIEM's AWS account assumes with an external id.",
  label: 'How the SIEM reads the stream',
  group: ACCESS_GROUP,
  config: 'siemAccess.kind',
  targets: PIPELINE,
  doc: { default: '`IamUser`', allowed: '`IamUser`, `CrossAccountRole`', meaning: "How the SIEM reads: an IAM user whose access key is kept in Secrets Manager, or a role the SIEM's account assumes with an external id." },
};

const AccessKeyRotation: ParameterSpec = {
  name: 'AccessKeyRotation',
  rule: { kind: 'pattern', pattern: /^[A-Za-z0-9._:-]{0,64}$/, rule: 'up to 64 letters, digits and . _ : -', allowedPattern: '^[A-Za-z0-9._:-]{0,64}$', constraint: 'up to 64 letters, digits and . _ : -' },
  default: '1',
  // Known disagreement (issue 8): the parser's fallback stays empty, as the config tests require; a caller that
  // fills absent properties (the CLI) should use the template default, `default` here.
  parseDefault: '',
  description: "Any value; change it to rotate the IAM user's access key (the secret gets the new key).",
  label: 'Access key rotation token (change to rotate)',
  group: ACCESS_GROUP,
  config: 'siemAccess.rotationToken',
  targets: PIPELINE,
  doc: { default: '`1`', allowed: 'up to 64 of `A-Z a-z 0-9 . _ : -`', meaning: "Change to any other value to rotate the user's access key: a new key is stored in the secret, then the old one is deleted." },
};

const SecretReaderArns: ParameterSpec = {
  name: 'SecretReaderArns',
  rule: {
    kind: 'list',
    item: PRINCIPAL_ARN_PATTERN,
    rule: 'comma-separated IAM role or user ARNs such as arn:aws:iam::123456789012:role/siem-connector',
    allowedPattern: '^(arn:aws[a-z-]*:iam::\\d{12}:(role|user)/[\\w+=,.@/-]+)?(,\\s*arn:aws[a-z-]*:iam::\\d{12}:(role|user)/[\\w+=,.@/-]+)*$',
    constraint: 'comma-separated IAM role or user ARNs, or empty.',
  },
  default: '',
  description:
    "IamUser only: the roles or users (up to 10) that may read the access key secret. The secret's resource policy denies everyone else, even principals allowed secretsmanager:*; empty lets only the stack's provisioner in.",
  label: 'IAM roles or users that may read the access key secret (comma-separated ARNs)',
  group: ACCESS_GROUP,
  config: 'siemAccess.secretReaders',
  targets: PIPELINE,
  doc: {
    default: 'empty',
    allowed: 'up to 10 comma-separated IAM role/user ARNs',
    meaning: "`IamUser` only: who may read the access key secret. Its resource policy denies everyone else, even principals allowed `secretsmanager:*`; empty lets only the stack's provisioner in.",
  },
};

const SecretKmsKeyArn: ParameterSpec = {
  name: 'SecretKmsKeyArn',
  rule: {
    kind: 'pattern',
    pattern: KMS_KEY_ARN_PATTERN,
    rule: 'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), or empty for the AWS managed key',
    allowedPattern: '^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/[A-Za-z0-9-]+)?$',
    constraint: 'a KMS key ARN, or empty.',
  },
  default: '',
  description:
    'IamUser only: a customer managed KMS key (in this region) for the access key secret; its key policy must let the readers decrypt through Secrets Manager. Empty uses the AWS managed key aws/secretsmanager.',
  label: 'KMS key of the access key secret (empty = AWS managed key)',
  group: ACCESS_GROUP,
  config: 'siemAccess.secretKmsKeyArn',
  targets: PIPELINE,
  doc: { default: 'empty (AWS managed key)', allowed: 'a KMS key ARN of this region', meaning: '`IamUser` only: customer managed key of the secret. Changing it re-keys the secret and rotates the access key.' },
};

const SiemAccountId: ParameterSpec = {
  name: 'SiemAccountId',
  rule: { kind: 'pattern', pattern: /^\d{12}$/, rule: 'a 12-digit AWS account id', allowedPattern: '^(\\d{12})?$', constraint: 'a 12-digit AWS account id, or empty.' },
  default: '',
  description: "The SIEM vendor's AWS account (CrossAccountRole only).",
  label: 'SIEM AWS account id (cross-account role)',
  group: ACCESS_GROUP,
  config: 'siemAccess.trustedAccountId',
  targets: PIPELINE,
  doc: { default: 'empty', allowed: '12 digits', meaning: "The SIEM vendor's AWS account (`CrossAccountRole`: required, checked by the template's Rules before anything is created)." },
};

const SiemExternalId: ParameterSpec = {
  name: 'SiemExternalId',
  rule: {
    kind: 'pattern',
    pattern: /^[\w+=,.@:/-]{2,1224}$/,
    rule: '2-1224 characters of letters, digits and +=,.@:/-_',
    allowedPattern: '^([\\w+=,.@:/-]{2,1224})?$',
    constraint: '2-1224 characters of letters, digits and +=,.@:/-_, or empty.',
    secret: true,
  },
  default: '',
  noEcho: true,
  description: 'The external id the SIEM vendor gave you (CrossAccountRole only).',
  label: 'External id required by the role',
  group: ACCESS_GROUP,
  config: 'siemAccess.externalId',
  targets: PIPELINE,
  doc: { default: 'empty (NoEcho)', allowed: '2–1224 of `\\w+=,.@:/-`', meaning: "External id the role requires (`CrossAccountRole`: required, checked by the template's Rules). Never logged." },
};

/** The pipeline itself: its name, the stream and how the SIEM reads it (console order). */
export const coreParameters: ModuleParameters = {
  id: 'core',
  parameters: [PipelineName, StreamModeSpec, ShardCount, RetentionHours, SiemAccess, AccessKeyRotation, SecretReaderArns, SecretKmsKeyArn, SiemAccountId, SiemExternalId],
  parse: parseCore,
  // The stream and the reader are always made; they need no delivery role.
  needs: () => [],
};

function parseCore(read: ParameterReader): Pick<PipelineConfig, 'name' | 'stream' | 'siemAccess'> {
  const name = read.string(PipelineName);
  read.require(name !== '' || read.failed('PipelineName'), `PipelineName is required; allowed values: ${NAME_RULE}`);
  const stream = { mode: read.choice<StreamMode>(StreamModeSpec), shardCount: read.int(ShardCount), retentionHours: read.int(RetentionHours) };

  const accessKind = read.choice<SiemAccessKind>(SiemAccess);
  const rotationToken = read.string(AccessKeyRotation);
  const trustedAccountId = read.string(SiemAccountId);
  const externalId = read.string(SiemExternalId);
  if (accessKind === 'CrossAccountRole') {
    read.require(trustedAccountId !== '' || read.failed('SiemAccountId'), 'SiemAccountId is required when SiemAccess is CrossAccountRole');
    read.require(externalId !== '' || read.failed('SiemExternalId'), 'SiemExternalId is required when SiemAccess is CrossAccountRole');
  }
  const secretReaders = read.list(SecretReaderArns);
  read.require(secretReaders.length <= MAX_SECRET_READERS, `SecretReaderArns allows at most ${MAX_SECRET_READERS} principals`);
  const secretKmsKeyArn = read.string(SecretKmsKeyArn);
  if (accessKind !== 'IamUser') {
    read.require(secretReaders.length === 0, 'SecretReaderArns applies only when SiemAccess is IamUser (CrossAccountRole keeps no secret)');
    read.require(secretKmsKeyArn === '', 'SecretKmsKeyArn applies only when SiemAccess is IamUser (CrossAccountRole keeps no secret)');
  }
  const siemAccess: PipelineConfig['siemAccess'] =
    accessKind === 'IamUser'
      ? { kind: 'IamUser', rotationToken, secretReaders, ...(secretKmsKeyArn ? { secretKmsKeyArn } : {}) }
      : { kind: 'CrossAccountRole', trustedAccountId, externalId };
  return { name, stream, siemAccess };
}
