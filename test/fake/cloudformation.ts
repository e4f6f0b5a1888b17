import { CloudFormationServiceException } from '@aws-sdk/client-cloudformation';
import { ErrorFactory } from './errors';
import { notModelled, type FakeEnv, type FakeService, type OwnedResource } from './service';

type Input = Record<string, unknown>;

interface StackState {
  stackId: string;
  name: string;
  status: string;
}

/**
 * CloudFormation, only as far as the provisioner reads it: DescribeStacks of one stack by name or id.
 * Tests put a stack in a status with `setStack`; the fake never moves it on by itself. A stack it does not
 * hold is a ValidationError, as DescribeStacks answers; a call without StackName (every stack) is refused.
 */
export class CloudFormationFake implements FakeService {
  readonly key = 'cloudformation' as const;
  readonly errors = new ErrorFactory({
    base: CloudFormationServiceException,
    modeled: {},
    protocol: 'query',
    throttling: 'Throttling',
    accessDenied: 'AccessDenied',
    actionPrefix: 'cloudformation',
  });
  private readonly stacks = new Map<string, StackState>();

  constructor(private readonly env: FakeEnv) {}

  private readonly handlers: Record<string, (i: Input) => unknown> = {
    DescribeStacks: (i) => ({ Stacks: [this.describe(i.StackName)] }),
  };

  get commands(): readonly string[] {
    return Object.keys(this.handlers);
  }

  /** Puts (or creates) the stack with this id in `status` (CREATE_IN_PROGRESS, UPDATE_COMPLETE, ...). */
  setStack(stackId: string, status: string): void {
    const name = /:stack\/([^/]+)\//.exec(stackId)?.[1];
    if (!name) throw new Error(`fake cloudformation: not a stack id: ${stackId}`);
    this.stacks.set(stackId, { stackId, name, status });
  }

  handle(command: string, input: Input): unknown {
    const h = this.handlers[command];
    if (!h) notModelled('cloudformation', command);
    return h(input);
  }

  /** Empty: the stack and its status are set by the test, so snapshots compare only what the pipeline changed. */
  snapshot(): unknown {
    return {};
  }

  owned(): OwnedResource[] {
    return [];
  }

  private describe(stackName: unknown) {
    if (typeof stackName !== 'string' || stackName === '') {
      // Listing every stack needs cloudformation:ListStacks too; the provisioner never asks for it.
      throw this.errors.accessDenied('DescribeStacks', this.env.account, ' (without StackName: not modelled)');
    }
    const stack = [...this.stacks.values()].find((s) => s.stackId === stackName || s.name === stackName);
    if (!stack) throw this.errors.make('ValidationError', `Stack with id ${stackName} does not exist`);
    return { StackId: stack.stackId, StackName: stack.name, StackStatus: stack.status, CreationTime: new Date(0) };
  }
}
