import type { SubscriptionFilter } from '@aws-sdk/client-cloudwatch-logs';
import { diffSubscription } from '../../../../src/components/logs/subscription';

const want = {
  filterName: 'siem-demo-to-kinesis',
  destinationArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/siem-demo',
  roleArn: 'arn:aws:iam::123456789012:role/siem-pipeline/siem-demo-us-east-1-cwl-to-kinesis',
  filterPattern: '[version, log_status="OK"]',
};
const R = 'log group g';

describe('subscription filter diff (pure)', () => {
  it.each<[string, SubscriptionFilter | undefined, [string, unknown, unknown, string][]]>([
    ['as wanted: nothing', { ...want }, []],
    ['missing: one put', undefined, [['subscription filter', 'missing', want.filterName, 'subscription filter missing']]],
    [
      'another destination',
      { ...want, destinationArn: 'arn:x' },
      [['destinationArn', 'arn:x', want.destinationArn, 'subscription filter destination changed']],
    ],
    ['another role', { ...want, roleArn: 'arn:r' }, [['roleArn', 'arn:r', want.roleArn, 'subscription filter role changed']]],
    [
      'no pattern (every record)',
      { ...want, filterPattern: undefined },
      [['filterPattern', undefined, want.filterPattern, 'subscription filter pattern changed']],
    ],
    [
      'destination and pattern',
      { ...want, destinationArn: 'arn:x', filterPattern: '' },
      [
        ['destinationArn', 'arn:x', want.destinationArn, 'subscription filter destination changed'],
        ['filterPattern', '', want.filterPattern, 'subscription filter pattern changed'],
      ],
    ],
  ])('%s', (_name, actual, expected) => {
    expect(diffSubscription(R, actual, want)).toEqual(
      expected.map(([field, from, to, description]) => ({ kind: 'update', resource: R, description, fields: [{ field, from, to }], action: 'subscribe' })),
    );
  });

  it('a filter without a pattern matches the empty pattern (both forward every record)', () => {
    expect(diffSubscription(R, { ...want, filterPattern: undefined }, { ...want, filterPattern: '' })).toEqual([]);
  });
});
