import type { CloudFormationCustomResourceCreateEvent, CloudFormationCustomResourceDeleteEvent, CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';

/** Test events for the custom resource, shaped as CloudFormation sends them. */
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/siem/0a1b2c3d-0000-1111-2222-333344445555`;
export const SERVICE_TOKEN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:siem-custom-resource`;
/** A pre-signed URL like CloudFormation's: the signature makes it a credential that must never be logged. */
export const RESPONSE_URL =
  'https://cloudformation-custom-resource-response-euwest1.s3-eu-west-1.amazonaws.com/arn%3Aaws%3Acloudformation%3Aeu-west-1%3A123456789012%3Astack/siem/x%7CPipeline%7Creq-1?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260102T030405Z&X-Amz-SignedHeaders=host&X-Amz-Expires=7200&X-Amz-Credential=AKIAEXAMPLE%2F20260102%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

type Props = Record<string, string>;

function common(props: Props, overrides: Partial<CloudFormationCustomResourceCreateEvent> = {}) {
  return {
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: RESPONSE_URL,
    StackId: STACK_ID,
    RequestId: 'req-1',
    LogicalResourceId: 'Pipeline',
    ResourceType: 'Custom::SiemPipeline',
    ResourceProperties: { ServiceToken: SERVICE_TOKEN, ServiceTimeout: '900', ...props },
    ...overrides,
  };
}

export function createEvent(props: Props, overrides: Partial<CloudFormationCustomResourceCreateEvent> = {}): CloudFormationCustomResourceCreateEvent {
  return { ...common(props, overrides), RequestType: 'Create' };
}

export function updateEvent(physicalId: string, props: Props, oldProps: Props): CloudFormationCustomResourceUpdateEvent {
  return {
    ...common(props),
    RequestType: 'Update',
    PhysicalResourceId: physicalId,
    OldResourceProperties: { ServiceToken: SERVICE_TOKEN, ...oldProps },
  };
}

export function deleteEvent(physicalId: string, props: Props): CloudFormationCustomResourceDeleteEvent {
  return { ...common(props), RequestType: 'Delete', PhysicalResourceId: physicalId };
}
