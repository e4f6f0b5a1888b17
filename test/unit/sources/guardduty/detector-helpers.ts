import { BadRequestException, GuardDutyClient, type GetDetectorCommandOutput } from '@aws-sdk/client-guardduty';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { awsError } from '../../helpers/aws-mock';
import { TEST_STACK_ID } from '../../helpers/context';

/** Shared setup of the GuardDuty detector component's tests: the detector, its tags, GuardDuty's errors. */
export const DETECTOR = '12abc34d567e8fa901bc2d34e56789f0';
export const ourTags = { [TAG_NAME]: 'test', [TAG_STACK]: TEST_STACK_ID };
export const ARN = `arn:aws:guardduty:eu-west-1:123456789012:detector/${DETECTOR}`;
export const PROVISIONAL = 'siem-pipeline:provisional';
export const PREVIOUS = 'siem-pipeline:previous-name';
export const adoptedTags = (original: string) => ({
  'siem-pipeline:adopted-stack': TEST_STACK_ID,
  'siem-pipeline:adopted-name': 'test',
  'siem-pipeline:original-frequency': original,
});

export function detector(over: Partial<GetDetectorCommandOutput> = {}): Partial<GetDetectorCommandOutput> {
  return {
    Status: 'ENABLED',
    FindingPublishingFrequency: 'FIFTEEN_MINUTES',
    ServiceRole: 'arn:aws:iam::123456789012:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty',
    ...over,
  };
}
export const alreadyExists = () => awsError(BadRequestException, 'The request is rejected because a detector already exists for the current account.');
export const notOwned = () => awsError(BadRequestException, 'The request is rejected because the input detectorId is not owned by the current account.');

/** The messages of the captured log lines, with their level. */
export function messages(logs: Record<string, unknown>[]): string[] {
  return logs.map((l) => `${String(l.level)}: ${String(l.message)}`);
}

/** Mocks GuardDuty for one test file. */
export function mockGuardDuty() {
  const guardduty = mockClient(GuardDutyClient);
  afterEach(() => guardduty.reset());
  afterAll(() => guardduty.restore());
  return guardduty;
}
