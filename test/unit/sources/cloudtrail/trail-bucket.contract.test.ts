import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { PUBLIC_ACCESS_BLOCK, trailBucketLifecycle } from '../../../../src/sources/cloudtrail/trail-bucket';
import { diffBucket, type BucketFound, type BucketWanted } from '../../../../src/sources/cloudtrail/trail-bucket-state';
import { policyJson, type PolicyDocument } from '../../../../src/components/policies';

const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/siem/1';
const policy: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: ['s3:*'], Resource: ['arn:aws:s3:::b'] }],
};
const want: BucketWanted = {
  name: 'b',
  stackId: STACK,
  wanted: true,
  tags: { [TAG_NAME]: 'demo', [TAG_STACK]: STACK },
  publicAccessBlock: PUBLIC_ACCESS_BLOCK,
  objectOwnership: 'BucketOwnerEnforced',
  sseAlgorithm: 'AES256',
  policy,
  lifecycle: trailBucketLifecycle(7),
};
/** A bucket exactly as desired, every setting read. */
const asWanted: BucketFound = {
  tags: { [TAG_NAME]: 'demo', [TAG_STACK]: STACK, other: 'kept' },
  publicAccessBlock: PUBLIC_ACCESS_BLOCK,
  objectOwnership: 'BucketOwnerEnforced',
  sseAlgorithm: 'AES256',
  // Key order and single-value lists do not matter.
  policy: JSON.stringify({ Statement: [{ Resource: 'arn:aws:s3:::b', Action: 's3:*', Principal: { AWS: '*' }, Effect: 'Deny' }], Version: '2012-10-17' }),
  lifecycle: trailBucketLifecycle(7),
};
const ALL = ['tags', 'publicAccessBlock', 'objectOwnership', 'encryption', 'policy', 'lifecycle'];

describe('trail bucket diff (pure)', () => {
  it.each<[string, BucketFound, string[], string[]]>([
    ['absent: create, then every setting', {}, ['create', ...ALL.map(() => 'update')], ALL],
    ['ours, settings unread (ensure): every setting but the tags is put', { tags: asWanted.tags! }, ALL.slice(1).map(() => 'update'), ALL.slice(1)],
    ['ours and as desired: nothing', asWanted, [], []],
    ['another algorithm: encryption', { ...asWanted, sseAlgorithm: 'aws:kms' }, ['update'], ['encryption']],
    ['no policy: policy', { ...asWanted, policy: null }, ['update'], ['policy']],
    [
      'policy of another trail: policy',
      { ...asWanted, policy: policyJson({ ...policy, Statement: [{ ...policy.Statement[0], Resource: ['x'] }] }) },
      ['update'],
      ['policy'],
    ],
    ['30 days instead of 7: lifecycle', { ...asWanted, lifecycle: trailBucketLifecycle(30) }, ['update'], ['lifecycle']],
    [
      'one flag of the block off: publicAccessBlock',
      { ...asWanted, publicAccessBlock: { ...PUBLIC_ACCESS_BLOCK, BlockPublicPolicy: false } },
      ['update'],
      ['publicAccessBlock'],
    ],
    ['the name tag missing: tags', { ...asWanted, tags: { other: 'kept', [TAG_STACK]: STACK } }, ['update'], ['tags']],
  ])('%s', (_name, found, kinds, actions) => {
    const changes = diffBucket(found, want);
    expect(changes.map((c) => c.kind)).toEqual(kinds);
    expect(changes.filter((c) => c.kind === 'update').map((c) => c.action)).toEqual(actions);
  });

  it('names what differs, from -> to', () => {
    expect(diffBucket({ ...asWanted, sseAlgorithm: 'aws:kms' }, want)).toEqual([
      {
        kind: 'update',
        resource: 'S3 bucket b',
        description: 'default encryption is aws:kms, want AES256',
        fields: [{ field: 'encryption', from: 'aws:kms', to: 'AES256' }],
        action: 'encryption',
      },
    ]);
  });

  it.each<[string, BucketFound, string]>([
    ['a bucket of another stack', { tags: { [TAG_STACK]: 'other' } }, 'S3 bucket b exists but is not managed by this stack'],
    ['a bucket of another account', { foreign: 'S3 bucket b is not owned by account 1' }, 'S3 bucket b is not owned by account 1'],
  ])('%s is a conflict, and nothing else', (_name, found, message) => {
    expect(diffBucket(found, want)).toEqual([{ kind: 'conflict', resource: 'S3 bucket b', description: expect.stringContaining(message) }]);
  });

  it('a bucket the config no longer wants is to be deleted', () => {
    expect(diffBucket(asWanted, { ...want, wanted: false })).toEqual([{ kind: 'delete', resource: 'S3 bucket b', description: 'not wanted by the config' }]);
  });
});
