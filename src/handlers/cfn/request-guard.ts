import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { describeError } from '../../support/errors';

/** The environment variable the template sets to the provisioner's own stack id (`AWS::StackId`). */
export const STACK_ID_ENV = 'STACK_ID';

type RequestType = CloudFormationCustomResourceEvent['RequestType'];

/**
 * The stack statuses in which CloudFormation sends each request to a custom resource (stack status codes,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html#cfn-console-view-stack-data-resources-status-codes):
 * Create while the stack is created or an update adds the resource; Update during an update and its rollback
 * (old and new properties swapped); Delete while the stack is deleted, after a failed create
 * (ROLLBACK_IN_PROGRESS), and in the cleanup after an update (old resources) or a failed update (new ones).
 */
export const REQUEST_STATUSES: Readonly<Record<RequestType, readonly string[]>> = {
  Create: ['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS'],
  Update: ['UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS'],
  Delete: ['DELETE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'],
};

/** A request the provisioner will not act on: not sent by CloudFormation for its own stack, as far as it can tell. */
export class RequestRefusedError extends Error {
  override readonly name = 'RequestRefusedError';
}

/** Checks that a request is one CloudFormation sent for the provisioner's own stack. */
export interface RequestGuard {
  /** Throws RequestRefusedError for an event of any other stack (no AWS call). */
  checkStack(event: CloudFormationCustomResourceEvent): void;
  /** Throws RequestRefusedError unless the stack is in a status where CloudFormation sends this request type. */
  checkStatus(event: CloudFormationCustomResourceEvent): Promise<void>;
}

/** The guard for the stack `ownStackId` (from the function's environment; undefined refuses every request). */
export function stackRequestGuard(ownStackId: string | undefined, cloudformation: () => CloudFormationClient): RequestGuard {
  return {
    checkStack(event) {
      if (!ownStackId) throw new RequestRefusedError(`${STACK_ID_ENV} is not set: the function cannot tell its own stack`);
      if (event.StackId !== ownStackId) throw new RequestRefusedError(`the request is for stack ${event.StackId}, not this function's stack`);
    },
    async checkStatus(event) {
      let status: string | undefined;
      try {
        const out = await cloudformation().send(new DescribeStacksCommand({ StackName: ownStackId }));
        status = out.Stacks?.[0]?.StackStatus;
      } catch (err) {
        throw new RequestRefusedError(`the stack's status could not be read: ${describeError(err)}`, { cause: err });
      }
      const allowed = REQUEST_STATUSES[event.RequestType];
      if (!status || !allowed.includes(status)) {
        throw new RequestRefusedError(
          `CloudFormation sends no ${event.RequestType} while the stack is ${status ?? 'in an unknown status'} (only in ${allowed.join(', ')})`,
        );
      }
    },
  };
}
