import type { Role } from '@aws-sdk/client-iam';
import { TAG_STACK } from '../../../../src/config/names';
import { diffRole, type RoleFound, type RoleWanted } from '../../../../src/components/iam/service-role';
import { serviceTrustPolicy, streamReaderPolicy } from '../../../../src/components/policies';

const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/siem/1';
const BOUNDARY = 'arn:aws:iam::123456789012:policy/siem-pipeline/boundary';
const trust = serviceTrustPolicy('logs.amazonaws.com');
const policy = streamReaderPolicy('arn:aws:kinesis:us-east-1:123456789012:stream/siem-demo');
const want: RoleWanted = { name: 'r', stackId: STACK, trust, policy, policyLabel: 'inline policy', boundary: BOUNDARY };
const role = (over: Partial<Role> = {}): Role =>
  ({
    RoleName: 'r',
    Arn: 'arn:aws:iam::123456789012:role/r',
    Tags: [{ Key: TAG_STACK, Value: STACK }],
    // IAM hands documents back URL-encoded.
    AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)),
    PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: BOUNDARY },
    ...over,
  }) as Role;
const asWanted: RoleFound = { role: role(), policy: encodeURIComponent(JSON.stringify(policy)) };

describe('service role diff (pure)', () => {
  it.each<[string, RoleFound, RoleWanted, (string | undefined)[]]>([
    ['absent: create, then the policy', {}, want, ['create', 'policy']],
    ['as desired: nothing', asWanted, want, []],
    ['policy unread (ensure): the policy is put', { role: role() }, want, ['policy']],
    ['policy missing', { ...asWanted, policy: null }, want, ['policy']],
    ['trust changed', { ...asWanted, role: role({ AssumeRolePolicyDocument: JSON.stringify(serviceTrustPolicy('events.amazonaws.com')) }) }, want, ['trust']],
    [
      'another boundary: re-create',
      { ...asWanted, role: role({ PermissionsBoundary: { PermissionsBoundaryArn: 'arn:aws:iam::1:policy/old' } }) },
      want,
      ['recreate'],
    ],
    [
      'boundary unknown (read-only context): not compared',
      { ...asWanted, role: role({ PermissionsBoundary: undefined }) },
      { ...want, boundary: undefined },
      [],
    ],
  ])('%s', (_name, found, wanted, actions) => {
    expect(diffRole(found, wanted).map((c) => c.action)).toEqual(actions);
  });

  it('a role the config does not want is to be deleted, with the reason', () => {
    const { trust: _trust, ...unwanted } = want;
    expect(diffRole(asWanted, { ...unwanted, unwanted: 'not wanted: SiemAccess is IamUser' })).toEqual([
      { kind: 'delete', resource: 'IAM role r', description: 'not wanted: SiemAccess is IamUser' },
    ]);
  });

  it('a role the config does not want and that is gone: its absence (a create), no policy to put', () => {
    const { trust: _trust, ...unwanted } = want;
    expect(diffRole({}, { ...unwanted, unwanted: 'not wanted' }).map((c) => c.action)).toEqual(['create']);
  });

  it('a role of another stack is a conflict, and nothing else', () => {
    expect(diffRole({ role: role({ Tags: [{ Key: TAG_STACK, Value: 'other' }] }) }, want)).toEqual([
      { kind: 'conflict', resource: 'IAM role r', description: expect.stringContaining('IAM role r exists but is not managed by this stack') },
    ]);
  });

  it('names the boundary change from -> to', () => {
    const found = { ...asWanted, role: role({ PermissionsBoundary: { PermissionsBoundaryArn: 'old' } }) };
    expect(diffRole(found, want)[0]).toMatchObject({ kind: 'update', fields: [{ field: 'permissionsBoundary', from: 'old', to: BOUNDARY }] });
  });
});
