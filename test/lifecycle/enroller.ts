import { createVpcEnrollerHandler, type EnrollerEvent } from '../../src/handlers/vpc-enroller';
import { createLogger } from '../../src/support/log';
import { FAKE_CREDENTIALS } from '../fake/account';
import { instantRetries } from '../fake/sdk';
import { ACCOUNT, BOUNDARY_ARN, REGION, STACK_ID, type Harness } from './harness';

/** The schedule's event, as EventBridge delivers it to the enroller. */
export const SCHEDULE_EVENT: EnrollerEvent = {
  version: '0',
  id: 'sched-1',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: ACCOUNT,
  time: '2026-01-01T00:00:00Z',
  region: REGION,
  resources: [],
  detail: {},
};

/** A CreateVpc API call as CloudTrail delivers it through EventBridge. */
export function createVpcEvent(vpcId: string): EnrollerEvent {
  return {
    ...SCHEDULE_EVENT,
    id: 'ct-1',
    source: 'aws.ec2',
    'detail-type': 'AWS API Call via CloudTrail',
    detail: { eventSource: 'ec2.amazonaws.com', eventName: 'CreateVpc', responseElements: { vpc: { vpcId } } },
  };
}

/** The enroller Lambda beside the harness's stack, with the environment the template gives it (`props`); log lines go to `lines`. */
export function enrollerFor(h: Harness, props: Record<string, string>, lines: string[]) {
  return createVpcEnrollerHandler({
    env: { ...props, STACK_ID, PERMISSIONS_BOUNDARY_ARN: BOUNDARY_ARN },
    clientOptions: { credentials: FAKE_CREDENTIALS, retryStrategy: instantRetries(), decorate: h.fake.decorate },
    clock: h.clock,
    propagationRetry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 10 },
    log: createLogger({ level: 'info', sink: (l) => lines.push(l) }),
  });
}
