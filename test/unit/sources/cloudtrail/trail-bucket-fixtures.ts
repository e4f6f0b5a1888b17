// Shared by the trail-bucket*.test.ts suites: the mocked S3 client and the requests the component sends.
import {
  NoSuchBucket,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { awsError } from '../../helpers/aws-mock';
import { createTestContext, TEST_STACK_ID } from '../../helpers/context';

export const s3 = mockClient(S3Client);
export const { ctx } = createTestContext();
export const A = '123456789012';
export const R = 'eu-west-1';
export const Bucket = `siem-test-${A}-${R}`;
export const ExpectedBucketOwner = A;
export const TRAIL_ARN = `arn:aws:cloudtrail:${R}:${A}:trail/siem-test`;
export const ourTagSet = [
  { Key: TAG_NAME, Value: 'test' },
  { Key: TAG_STACK, Value: TEST_STACK_ID },
];
export const noSuchBucket = () => awsError(NoSuchBucket, 'The specified bucket does not exist');
/** S3 errors the SDK does not model arrive as plain errors named by their code. */
export const s3Error = (name: string, message = name) => Object.assign(new Error(message), { name, $metadata: {} });

export const bucketPolicy = (bucket: string, trailArn: string, partition = 'aws') => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:*'],
      Resource: [`arn:${partition}:s3:::${bucket}`, `arn:${partition}:s3:::${bucket}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'CloudTrailAclCheck',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: ['s3:GetBucketAcl'],
      Resource: [`arn:${partition}:s3:::${bucket}`],
      Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
    },
    {
      Sid: 'CloudTrailWrite',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: ['s3:PutObject'],
      Resource: [`arn:${partition}:s3:::${bucket}/AWSLogs/${A}/*`],
      Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
    },
  ],
});

export const lifecycleRules = (days: number) => [
  {
    ID: 'expire-staged-trail-logs',
    Status: 'Enabled',
    Filter: { Prefix: '' },
    Expiration: { Days: days },
    NoncurrentVersionExpiration: { NoncurrentDays: 1 },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
  },
];

/** The configuration calls every ensure makes after the bucket is there and ours. */
export const configure = (bucket: string, days: number, owner = A, trailArn = TRAIL_ARN) => [
  [
    'PutPublicAccessBlockCommand',
    {
      Bucket: bucket,
      ExpectedBucketOwner: owner,
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    },
  ],
  [
    'PutBucketOwnershipControlsCommand',
    { Bucket: bucket, ExpectedBucketOwner: owner, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } },
  ],
  [
    'PutBucketEncryptionCommand',
    {
      Bucket: bucket,
      ExpectedBucketOwner: owner,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true }] },
    },
  ],
  ['PutBucketPolicyCommand', { Bucket: bucket, ExpectedBucketOwner: owner, Policy: JSON.stringify(bucketPolicy(bucket, trailArn)) }],
  ['PutBucketLifecycleConfigurationCommand', { Bucket: bucket, ExpectedBucketOwner: owner, LifecycleConfiguration: { Rules: lifecycleRules(days) } }],
];

export function acceptConfiguration(): void {
  s3.on(PutPublicAccessBlockCommand).resolves({});
  s3.on(PutBucketOwnershipControlsCommand).resolves({});
  s3.on(PutBucketEncryptionCommand).resolves({});
  s3.on(PutBucketPolicyCommand).resolves({});
  s3.on(PutBucketLifecycleConfigurationCommand).resolves({});
  s3.on(PutBucketTaggingCommand).resolves({});
}
