import { notInLambda } from '../../components/component';
import { trailLogGroupComponent } from './trail-log-group';
import { trailComponent } from './trail';
import { trailBucketComponent } from './trail-bucket';
import { isDataFrom } from '../records';
import type { SourceModule } from '../types';
import { cloudTrailParameters } from './parameters';
import { cloudTrailInThisRegion } from './scope';

/**
 * CloudTrail management events: a multi-region trail of our own (bucket, log group, trail role) or an existing
 * trail's log group, subscribed to the stream in the trail's home region.
 */
export const cloudTrailModule: SourceModule = {
  ...cloudTrailParameters,
  components: [trailLogGroupComponent, trailBucketComponent, trailComponent],
  auditChecks: [trailLogGroupComponent.id, trailBucketComponent.id, trailComponent.id],
  // Delivered where the trail's log group (ours, or a reused one) is subscribed: the trail's home region.
  streams: process.env.SIEM_LAMBDA_BUNDLE
    ? notInLambda
    : ({ config, names, region }) => [
        {
          name: 'CloudTrail',
          expected: cloudTrailInThisRegion(config, region),
          matches: (record) => isDataFrom(record, config.cloudTrail.existingLogGroup ?? names.cloudTrailLogGroup),
        },
      ],
};
