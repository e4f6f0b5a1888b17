import type { User } from '@aws-sdk/client-iam';
import { TAG_STACK } from '../../../../../src/config/names';
import {
  keyHash,
  LEGACY_SECRET_TAG_KEY_ID,
  SECRET_TAG_KEY_HASH,
  SECRET_TAG_ROTATION,
  type SecretState,
} from '../../../../../src/sources/core/siem-access/reader-secret';
import { diffReader, rotationReasons, type ReaderFound, type ReaderWanted } from '../../../../../src/sources/core/siem-access/siem-user-state';
import { streamReaderPolicy } from '../../../../../src/components/policies';
import { readerSecretPolicy } from '../../../../../src/sources/core/siem-access/secret-policy';

const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/siem/1';
const BOUNDARY = 'arn:aws:iam::123456789012:policy/siem-pipeline/reader-boundary';
const KEY = 'AKIALIVEKEY000000001';
const userPolicy = streamReaderPolicy('arn:aws:kinesis:us-east-1:123456789012:stream/siem-demo');
const secretPolicy = readerSecretPolicy({ provisionerRoleArn: 'arn:aws:iam::123456789012:role/provisioner', readers: [] });
const want: ReaderWanted = {
  userName: 'u',
  secretName: 's',
  stackId: STACK,
  boundary: BOUNDARY,
  userPolicy,
  rotationToken: 'v1',
  kmsKey: undefined,
  secretPolicy,
};
const ours = { [TAG_STACK]: STACK };
const user = (over: Partial<User> = {}): User =>
  ({
    UserName: 'u',
    Arn: 'arn:aws:iam::123456789012:user/u',
    Tags: [{ Key: TAG_STACK, Value: STACK }],
    PermissionsBoundary: { PermissionsBoundaryArn: BOUNDARY },
    ...over,
  }) as User;
const secret = (tags: Record<string, string> = {}, over: Partial<SecretState> = {}): SecretState => ({
  arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf',
  tags: { ...ours, [SECRET_TAG_KEY_HASH]: keyHash(KEY), [SECRET_TAG_ROTATION]: 'v1', ...tags },
  deleted: false,
  ...over,
});
/** A secret of an older version: the key id itself in a tag, no hash. */
const legacySecret: SecretState = { ...secret(), tags: { ...ours, [LEGACY_SECRET_TAG_KEY_ID]: KEY, [SECRET_TAG_ROTATION]: 'v1' } };
/** Everything read (inspect) and as desired. */
const asWanted: ReaderFound = {
  user: user(),
  userPolicy: encodeURIComponent(JSON.stringify(userPolicy)),
  keys: [KEY],
  secret: secret(),
  secretPolicy: JSON.stringify(secretPolicy),
};

describe('siem-user diff (pure)', () => {
  it.each<[string, ReaderFound, ReaderWanted, (string | undefined)[]]>([
    ['nothing there: create the user, its policy, the secret with a key, its policy', { keys: [] }, want, ['user', 'userPolicy', 'rotate', 'secretPolicy']],
    ['as desired: nothing', asWanted, want, []],
    ['read for ensure (user policy unread): the policy is put', { ...asWanted, userPolicy: undefined }, want, ['userPolicy']],
    ['reader policy missing', { ...asWanted, userPolicy: null }, want, ['userPolicy']],
    ['a new rotation value: rotate', { ...asWanted, secret: secret({ [SECRET_TAG_ROTATION]: 'v0' }) }, want, ['rotate']],
    ['another KMS key: rotate', asWanted, { ...want, kmsKey: 'arn:aws:kms:us-east-1:123456789012:key/k-1' }, ['rotate']],
    ['the secret names no live key: rotate', { ...asWanted, keys: ['AKIAOTHERKEY00000009'] }, want, ['rotate']],
    [
      'another boundary: re-create, and the new user needs its policy and a key',
      { ...asWanted, user: user({ PermissionsBoundary: { PermissionsBoundaryArn: 'old' } }) },
      want,
      ['recreate', 'userPolicy', 'rotate'],
    ],
    [
      'boundary unknown (read-only context): not compared',
      { ...asWanted, user: user({ PermissionsBoundary: undefined }) },
      { ...want, boundary: undefined },
      [],
    ],
    [
      'secret pending deletion (its policy unread): restore, then put the policy',
      { ...asWanted, secret: secret({}, { deleted: true }), secretPolicy: undefined },
      want,
      ['restore', 'secretPolicy'],
    ],
    ['the key id in a legacy tag: tag its hash instead', { ...asWanted, secret: legacySecret }, want, ['unpublish']],
    ['secret policy missing', { ...asWanted, secretPolicy: null }, want, ['secretPolicy']],
    ['secret policy changed', { ...asWanted, secretPolicy: JSON.stringify({ ...secretPolicy, Statement: [] }) }, want, ['secretPolicy']],
    ['secret policy unknown to the audit: present is enough', { ...asWanted, secretPolicy: '{}' }, { ...want, secretPolicy: undefined }, []],
    ['secret policy unknown to the audit, and missing', { ...asWanted, secretPolicy: null }, { ...want, secretPolicy: undefined }, ['secretPolicy']],
  ])('%s', (_name, found, wanted, actions) => {
    expect(diffReader(found, wanted).map((c) => c.action)).toEqual(actions);
  });

  it.each<[string, ReaderFound, string]>([
    ['a user of another stack', { ...asWanted, user: user({ Tags: [{ Key: TAG_STACK, Value: 'other' }] }) }, 'IAM user u'],
    ['a user made by hand', { ...asWanted, user: user({ Tags: [] }) }, 'IAM user u'],
    ['a secret of another stack', { ...asWanted, secret: secret({ [TAG_STACK]: 'other' }) }, 'secret s'],
  ])('%s is a conflict, and nothing else', (_name, found, resource) => {
    expect(diffReader(found, want)).toEqual([
      { kind: 'conflict', resource, description: expect.stringContaining(`${resource} exists but is not managed by this stack`) },
    ]);
  });

  it.each<[string, ReaderFound, unknown[]]>([
    [
      'a user of ours: delete, with the reason',
      asWanted,
      [{ kind: 'delete', resource: 'IAM user u', description: 'not wanted: SiemAccess is CrossAccountRole' }],
    ],
    [
      'only the secret left: delete it',
      { keys: [], secret: secret() },
      [{ kind: 'delete', resource: 'secret s', description: 'not wanted: SiemAccess is CrossAccountRole' }],
    ],
    ['nothing there: a create (which a plan of a disabled component leaves out)', { keys: [] }, [expect.objectContaining({ kind: 'create', action: 'user' })]],
  ])('unwanted, %s', (_name, found, changes) => {
    expect(diffReader(found, { ...want, unwanted: 'not wanted: SiemAccess is CrossAccountRole' })).toEqual(changes);
  });

  it('says "rotate access key, secret value: replace" with the reasons, and names no key', () => {
    const found = { ...asWanted, keys: ['AKIAOTHERKEY00000009'], secret: secret({ [SECRET_TAG_ROTATION]: 'v0' }) };
    const changes = diffReader(found, want);
    expect(changes).toEqual([
      {
        kind: 'update',
        resource: 'secret s',
        description: 'rotate access key, secret value: replace (secret names no live access key of the user; access key rotation pending)',
        fields: [],
        difference: 'secret names no live access key of the user; access key rotation pending',
        action: 'rotate',
      },
    ]);
    expect(JSON.stringify(changes)).not.toMatch(/AKIA/);
    // The legacy tag holds the key id itself: the change that replaces it does not repeat it.
    expect(JSON.stringify(diffReader({ ...asWanted, secret: legacySecret }, want))).not.toContain(KEY);
  });

  it('names the boundary and policy changes from -> to', () => {
    const found = { ...asWanted, user: user({ PermissionsBoundary: { PermissionsBoundaryArn: 'old' } }), secretPolicy: null };
    const changes = diffReader(found, want);
    expect(changes[0]).toMatchObject({ kind: 'update', fields: [{ field: 'recreate', from: 'old', to: BOUNDARY }] });
    expect(changes.at(-1)).toMatchObject({
      kind: 'update',
      description: 'resource policy missing',
      fields: [{ field: 'secretPolicy', from: null, to: secretPolicy }],
    });
  });
});

describe('rotationReasons (pure)', () => {
  it.each<[string, SecretState, string[], Partial<ReaderWanted>, string[]]>([
    ['a live key made for this value under the wanted key: none', secret(), [KEY], {}, []],
    ['the recorded key is gone', secret(), [], {}, ['noLiveKey']],
    ['the recorded key is found by the legacy id tag', legacySecret, [KEY], {}, []],
    ['a new rotation value', secret(), [KEY], { rotationToken: 'v2' }, ['rotation']],
    ['a KMS key named by its id equals its ARN', secret({}, { kmsKeyId: 'k-1' }), [KEY], { kmsKey: 'arn:aws:kms:us-east-1:123456789012:key/k-1' }, []],
    ['another KMS key', secret({}, { kmsKeyId: 'k-1' }), [KEY], {}, ['kmsKey']],
  ])('%s', (_name, found, keys, over, reasons) => {
    expect(rotationReasons(found, keys, { ...want, ...over })).toEqual(reasons);
  });
});
