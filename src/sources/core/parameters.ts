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

export const PipelineName: ParameterSpec = {
  name: 'PipelineName',
  rule: { kind: 'pattern', pattern: PIPELINE_NAME_PATTERN, rule: NAME_RULE },
  default: 'siem',
  // Required by the provisioner: the template always passes it, a CLI user must name the pipeline.
  parseDefault: '',
  targets: ['pipeline', 'enroller'],
};

const StreamModeSpec: ParameterSpec = {
  name: 'StreamMode',
  rule: { kind: 'choice', values: ['PROVISIONED', 'ON_DEMAND'] },
  default: 'PROVISIONED',
  targets: PIPELINE,
};

const ShardCount: ParameterSpec = {
  name: 'ShardCount',
  rule: { kind: 'int', min: 1, max: 500 },
  default: '1',
  targets: PIPELINE,
};

const RetentionHours: ParameterSpec = {
  name: 'RetentionHours',
  rule: { kind: 'int', min: 24, max: 8760 },
  default: '24',
  targets: PIPELINE,
};

const SiemAccess: ParameterSpec = {
  name: 'SiemAccess',
  rule: { kind: 'choice', values: ['IamUser', 'CrossAccountRole'] },
  default: 'IamUser',
  targets: PIPELINE,
};

const AccessKeyRotation: ParameterSpec = {
  name: 'AccessKeyRotation',
  rule: { kind: 'pattern', pattern: /^[A-Za-z0-9._:-]{0,64}$/, rule: 'up to 64 letters, digits and . _ : -' },
  // One default for the template and the parser: a caller that omits it (the CLI's --param) sees the token a
  // stack created with the template's default has, so a fresh pipeline is not reported as "rotation pending".
  default: '1',
  targets: PIPELINE,
};

const SecretReaderArns: ParameterSpec = {
  name: 'SecretReaderArns',
  rule: {
    kind: 'list',
    item: PRINCIPAL_ARN_PATTERN,
    rule: 'comma-separated IAM role or user ARNs such as arn:aws:iam::123456789012:role/siem-connector',
  },
  default: '',
  targets: PIPELINE,
};

const SecretKmsKeyArn: ParameterSpec = {
  name: 'SecretKmsKeyArn',
  rule: {
    kind: 'pattern',
    pattern: KMS_KEY_ARN_PATTERN,
    rule: 'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), or empty for the AWS managed key',
  },
  default: '',
  targets: PIPELINE,
};

const SiemAccountId: ParameterSpec = {
  name: 'SiemAccountId',
  rule: { kind: 'pattern', pattern: /^\d{12}$/, rule: 'a 12-digit AWS account id' },
  default: '',
  targets: PIPELINE,
};

const SiemExternalId: ParameterSpec = {
  name: 'SiemExternalId',
  rule: {
    kind: 'pattern',
    pattern: /^[\w+=,.@:/-]{2,1224}$/,
    rule: '2-1224 characters of letters, digits and +=,.@:/-_',
    secret: true,
  },
  default: '',
  targets: PIPELINE,
};

/** The pipeline itself: its name, the stream and how the SIEM reads it (console order). */
export const coreParameters: ModuleParameters = {
  id: 'core',
  parameters: [
    PipelineName,
    StreamModeSpec,
    ShardCount,
    RetentionHours,
    SiemAccess,
    AccessKeyRotation,
    SecretReaderArns,
    SecretKmsKeyArn,
    SiemAccountId,
    SiemExternalId,
  ],
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
    for (const [spec, value] of [
      [SiemAccountId, trustedAccountId],
      [SiemExternalId, externalId],
    ] as const) {
      read.require(value !== '' || read.failed(spec.name), `${spec.name} is required when SiemAccess is CrossAccountRole`);
    }
  }
  const secretReaders = read.list(SecretReaderArns);
  read.require(secretReaders.length <= MAX_SECRET_READERS, `SecretReaderArns allows at most ${MAX_SECRET_READERS} principals`);
  const secretKmsKeyArn = read.string(SecretKmsKeyArn);
  if (accessKind !== 'IamUser') {
    for (const [spec, unset] of [
      [SecretReaderArns, secretReaders.length === 0],
      [SecretKmsKeyArn, secretKmsKeyArn === ''],
    ] as const) {
      read.require(unset, `${spec.name} applies only when SiemAccess is IamUser (CrossAccountRole keeps no secret)`);
    }
  }
  const siemAccess: PipelineConfig['siemAccess'] =
    accessKind === 'IamUser'
      ? { kind: 'IamUser', rotationToken, secretReaders, ...(secretKmsKeyArn ? { secretKmsKeyArn } : {}) }
      : { kind: 'CrossAccountRole', trustedAccountId, externalId };
  return { name, stream, siemAccess };
}
