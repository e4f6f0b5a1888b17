import { notInLambda } from '../../components/component';
import { guardDutyDetectorComponent } from './detector';
import { guardDutyRuleComponent } from './guardduty-rule';
import type { SourceModule } from '../types';
import { guardDutyParameters } from './parameters';

/** The EventBridge pattern of the GuardDuty rule: findings, as GuardDuty publishes them to EventBridge. */
export const GUARDDUTY_FINDING = { source: 'aws.guardduty', detailType: 'GuardDuty Finding' } as const;

/** GuardDuty findings through an EventBridge rule; the detector is created or adopted. */
export const guardDutyModule: SourceModule = {
  ...guardDutyParameters,
  components: [guardDutyDetectorComponent, guardDutyRuleComponent],
  auditChecks: [guardDutyDetectorComponent.id, guardDutyRuleComponent.id],
  streams: process.env.SIEM_LAMBDA_BUNDLE
    ? notInLambda
    : ({ config }) => [
        {
          name: 'GuardDuty',
          expected: config.guardDuty.enabled,
          matches: (record) => record.kind === 'event' && record.source === GUARDDUTY_FINDING.source && record.detailType === GUARDDUTY_FINDING.detailType,
        },
      ],
};
