import type { Trail } from '@aws-sdk/client-cloudtrail';
import { TAG_STACK } from '../../../../src/config/names';
import { statusOf } from '../../../../src/components/component';
import { diffTrail, type TrailFound, type TrailWanted } from '../../../../src/sources/cloudtrail/trail';

const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/siem/1';
const settings: TrailWanted['settings'] = {
  Name: 'siem-demo-trail',
  S3BucketName: 'siem-demo-trail-123456789012',
  IsMultiRegionTrail: true,
  IncludeGlobalServiceEvents: true,
  EnableLogFileValidation: true,
  CloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/siem/demo/cloudtrail:*',
  CloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/siem-pipeline/siem-demo-trail',
};
const want: TrailWanted = { stackId: STACK, wanted: true, settings };
const trail = (over: Partial<Trail> = {}): Trail => ({
  Name: settings.Name,
  TrailARN: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/siem-demo-trail',
  S3BucketName: settings.S3BucketName,
  IsMultiRegionTrail: true,
  IncludeGlobalServiceEvents: true,
  LogFileValidationEnabled: true,
  CloudWatchLogsLogGroupArn: settings.CloudWatchLogsLogGroupArn,
  CloudWatchLogsRoleArn: settings.CloudWatchLogsRoleArn,
  ...over,
});
const ours = (over: Partial<Trail> = {}, logging = true): TrailFound => ({ read: true, trail: trail(over), tags: { [TAG_STACK]: STACK }, logging });

describe('trail diff (pure)', () => {
  it.each<[string, TrailFound, TrailWanted, [string, string | undefined][]]>([
    [
      'unread (ensure): create or update, then start',
      { read: false },
      want,
      [
        ['create', 'put'],
        ['update', 'start'],
      ],
    ],
    [
      'absent: create, then start',
      { read: true },
      want,
      [
        ['create', 'put'],
        ['update', 'start'],
      ],
    ],
    [
      'gone between GetTrail and ListTags: create, then start',
      { read: true, trail: trail() },
      want,
      [
        ['create', 'put'],
        ['update', 'start'],
      ],
    ],
    ['as desired and logging: nothing', ours(), want, []],
    ['not logging: start', ours({}, false), want, [['update', 'start']]],
    ['validation off: put', ours({ LogFileValidationEnabled: false }), want, [['update', 'put']]],
    [
      'another bucket and role, not logging: put (twice), then start',
      ours({ S3BucketName: 'other', CloudWatchLogsRoleArn: 'arn:aws:iam::1:role/x' }, false),
      want,
      [
        ['update', 'put'],
        ['update', 'put'],
        ['update', 'start'],
      ],
    ],
    [
      'absent and not wanted (reused trail, not the home region): create alone, which inspect reports absent',
      { read: true },
      { ...want, wanted: false },
      [['create', 'put']],
    ],
    ['ours but not wanted: delete', ours(), { ...want, wanted: false }, [['delete', undefined]]],
  ])('%s', (_name, found, wanted, changes) => {
    expect(diffTrail(found, wanted).map((c) => [c.kind, c.action])).toEqual(changes);
  });

  it('names each setting that differs from -> to, as inspect reports it', () => {
    const changes = diffTrail(ours({ IsMultiRegionTrail: false, CloudWatchLogsLogGroupArn: 'arn:other:*' }, false), want);
    expect(changes).toEqual([
      expect.objectContaining({ description: 'not multi-region', fields: [{ field: 'IsMultiRegionTrail', from: false, to: true }] }),
      expect.objectContaining({
        description: 'delivers to another log group',
        fields: [{ field: 'CloudWatchLogsLogGroupArn', from: 'arn:other:*', to: settings.CloudWatchLogsLogGroupArn }],
      }),
      expect.objectContaining({ description: 'not logging', action: 'start', fields: [] }),
    ]);
    expect(statusOf(changes, { trailArn: 'a' })).toEqual({
      state: 'drifted',
      details: { trailArn: 'a', differences: ['not multi-region', 'delivers to another log group', 'not logging'] },
    });
  });

  it.each<[string, Record<string, string>]>([
    ['another stack', { [TAG_STACK]: 'other' }],
    ['no one', {}],
  ])('a trail of %s is a conflict, and nothing else', (_name, tags) => {
    expect(diffTrail({ read: true, trail: trail({ IsMultiRegionTrail: false }), tags }, want)).toEqual([
      { kind: 'conflict', resource: 'CloudTrail trail siem-demo-trail', description: expect.stringContaining('exists but is not managed by this stack') },
    ]);
  });
});
