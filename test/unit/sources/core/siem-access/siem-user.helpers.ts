import { IAMClient, NoSuchEntityException, type User } from '@aws-sdk/client-iam';
import {
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  type DescribeSecretResponse,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { TAG_NAME, TAG_STACK } from '../../../../../src/config/names';
import { keyHash, SECRET_TAG_KEY_HASH, SECRET_TAG_ROTATION } from '../../../../../src/sources/core/siem-access/reader-secret';
import { policyJson, streamReaderPolicy } from '../../../../../src/components/policies';
import { readerSecretPolicy } from '../../../../../src/sources/core/siem-access/secret-policy';
import { awsError } from '../../../helpers/aws-mock';
import { createTestContext, TEST_PROVISIONER_ROLE_ARN, TEST_READER_BOUNDARY_ARN, TEST_STACK_ID } from '../../../helpers/context';

/** Shared setup of the siem-user suites: mocked IAM and Secrets Manager, and the user and secret they hand out. */
export const iam = mockClient(IAMClient);
export const secrets = mockClient(SecretsManagerClient);
export const { ctx } = createTestContext();
export const UserName = ctx.names.siemUser;
export const SecretName = ctx.names.siemSecret;
export const USER_ARN = `arn:aws:iam::123456789012:user/siem-pipeline/${UserName}`;
export const SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${SecretName}-AbCdEf`;
export const OLD_KEY = 'AKIAOLDKEY0000000001';
export const ourTags = [
  { Key: TAG_NAME, Value: 'test' },
  { Key: TAG_STACK, Value: TEST_STACK_ID },
];
/** Access key material the mocks hand out: it must never reach a log line or an output. */
export const NEW_KEY = { UserName, AccessKeyId: 'AKIANEWKEY0000000002', SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYNEWSECRET', Status: 'Active' as const };

export function user(over: Partial<User> = {}): { User: User } {
  const PermissionsBoundary = { PermissionsBoundaryType: 'PermissionsBoundaryPolicy' as const, PermissionsBoundaryArn: TEST_READER_BOUNDARY_ARN };
  return {
    User: { Path: '/siem-pipeline/', UserName, UserId: 'AIDAUSERID', Arn: USER_ARN, CreateDate: new Date(0), Tags: ourTags, PermissionsBoundary, ...over },
  };
}

export function secret(keyId: string | undefined, rotation: string | undefined, over: Partial<DescribeSecretResponse> = {}): DescribeSecretResponse {
  return {
    ARN: SECRET_ARN,
    Name: SecretName,
    Tags: [
      ...ourTags,
      ...(keyId ? [{ Key: SECRET_TAG_KEY_HASH, Value: keyHash(keyId) }] : []),
      ...(rotation !== undefined ? [{ Key: SECRET_TAG_ROTATION, Value: rotation }] : []),
    ],
    ...over,
  };
}

export const keys = (...ids: string[]) => ({ AccessKeyMetadata: ids.map((AccessKeyId) => ({ UserName, AccessKeyId, Status: 'Active' as const })) });
export const noUser = () => awsError(NoSuchEntityException, `The user with name ${UserName} cannot be found.`, 'NoSuchEntity');
export const noSecret = () => awsError(ResourceNotFoundException, "Secrets Manager can't find the specified secret.");
export const secretValue = () => ({
  accessKeyId: NEW_KEY.AccessKeyId,
  secretAccessKey: NEW_KEY.SecretAccessKey,
  streamName: 'siem-test',
  streamArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/siem-test',
  region: 'eu-west-1',
});
export const READER_POLICY = policyJson(streamReaderPolicy(ctx.names.streamArn));
export const putPolicy = ['PutUserPolicyCommand', { UserName, PolicyName: 'siem-pipeline', PolicyDocument: READER_POLICY }];

/** The resource policy of a secret without named readers: only the provisioner gets in. */
export const POLICY = JSON.stringify(readerSecretPolicy({ provisionerRoleArn: TEST_PROVISIONER_ROLE_ARN, readers: [] }));
export const putSecretPolicy = ['PutResourcePolicyCommand', { SecretId: SECRET_ARN, ResourcePolicy: POLICY, BlockPublicPolicy: true }];
export const getSecretPolicy = ['GetResourcePolicyCommand', { SecretId: SECRET_ARN }];

/** Registers the suite's hooks: a secret of ours without a resource policy yet, and mocks reset after each test. */
export function useSiemUserMocks(): void {
  beforeEach(() => {
    secrets.on(GetResourcePolicyCommand).resolves({ ARN: SECRET_ARN });
    secrets.on(PutResourcePolicyCommand).resolves({ ARN: SECRET_ARN });
  });
  afterEach(() => {
    iam.reset();
    secrets.reset();
  });
  afterAll(() => {
    iam.restore();
    secrets.restore();
  });
}
