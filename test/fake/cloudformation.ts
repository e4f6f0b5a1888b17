import { CloudFormationServiceException } from '@aws-sdk/client-cloudformation';
import { ChangeSets, type FakeTemplate } from './cloudformation-changes';
import { ErrorFactory } from './errors';
import { notModelled, type FakeEnv, type FakeService, type OwnedResource } from './service';

type Input = Record<string, unknown>;

/** A stack's event, as DescribeStackEvents returns it. */
export interface FakeStackEvent {
  EventId: string;
  StackId: string;
  StackName: string;
  LogicalResourceId: string;
  ResourceType: string;
  ResourceStatus: string;
  Timestamp: Date;
  ResourceStatusReason?: string;
}

export interface StackState {
  stackId: string;
  name: string;
  status: string;
  parameters: Record<string, string>;
  /** Parameters the template declares NoEcho: DescribeStacks shows them as '****'. */
  noEcho: string[];
  outputs: Record<string, string>;
  /** Logical id -> { type, physical id }. */
  resources: Record<string, { type: string; physicalId: string }>;
  /** Events shown so far, oldest first. */
  events: FakeStackEvent[];
  /** Events the stack has yet to reach: one is released per DescribeStackEvents or DescribeStacks call. */
  pending: FakeStackEvent[];
  templateUrl?: string;
}

/** Extra state for `setStack`: parameters, outputs and resources as DescribeStacks/DescribeStackResources show them. */
export type StackExtras = Partial<Pick<StackState, 'parameters' | 'noEcho' | 'outputs' | 'resources'>>;

/**
 * CloudFormation: DescribeStacks (parameters, outputs), DescribeStackResources, change sets, DeleteStack and
 * stack events. Tests put a stack in a status with `setStack`; an executed change set or a DeleteStack moves it
 * on one event per describe call, never by itself. A stack it does not hold is a ValidationError, as
 * DescribeStacks answers; a call without StackName (every stack) is refused.
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
  readonly stacks = new Map<string, StackState>();
  readonly changeSets: ChangeSets;
  /** Runs when a DeleteStack starts: a test plays CloudFormation sending the custom resource its Delete. */
  onDelete?: (stack: StackState) => Promise<void>;

  constructor(readonly env: FakeEnv) {
    this.changeSets = new ChangeSets(this);
  }

  private readonly handlers: Record<string, (i: Input) => unknown> = {
    DescribeStacks: (i) => ({ Stacks: [this.view(this.find(i.StackName, true))] }),
    DescribeStackResources: (i) => this.resources(this.find(i.StackName, true)),
    DescribeStackEvents: (i) => this.describeEvents(this.find(i.StackName, true)),
    DeleteStack: (i) => this.deleteStack(i.StackName),
    CreateChangeSet: (i) => this.changeSets.create(i),
    DescribeChangeSet: (i) => this.changeSets.describe(i),
    ExecuteChangeSet: (i) => this.changeSets.execute(i),
    DeleteChangeSet: (i) => this.changeSets.remove(i),
  };

  get commands(): readonly string[] {
    return Object.keys(this.handlers);
  }

  /** Puts (or creates) the stack with this id in `status` (CREATE_IN_PROGRESS, UPDATE_COMPLETE, ...). */
  setStack(stackId: string, status: string, extras: StackExtras = {}): StackState {
    const name = /:stack\/([^/]+)\//.exec(stackId)?.[1];
    if (!name) throw new Error(`fake cloudformation: not a stack id: ${stackId}`);
    const old = this.stacks.get(stackId);
    const stack: StackState = { parameters: {}, noEcho: [], outputs: {}, resources: {}, events: [], pending: [], ...old, ...extras, stackId, name, status };
    this.stacks.set(stackId, stack);
    return stack;
  }

  /** Registers the template at a URL (what CreateChangeSet would read from S3). */
  registerTemplate(url: string, template: FakeTemplate): void {
    this.changeSets.templates.set(url, template);
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

  /** A live stack by name or id; a deleted one only by its id (DescribeStacks documents this). */
  find(stackName: unknown, required: true): StackState;
  find(stackName: unknown, required: false): StackState | undefined;
  find(stackName: unknown, required: boolean): StackState | undefined {
    if (typeof stackName !== 'string' || stackName === '') {
      // Listing every stack needs cloudformation:ListStacks too; the provisioner never asks for it.
      throw this.errors.accessDenied('DescribeStacks', this.env.account, ' (without StackName: not modelled)');
    }
    const stacks = [...this.stacks.values()];
    const stack = stacks.find((s) => s.stackId === stackName) ?? stacks.find((s) => s.name === stackName && s.status !== 'DELETE_COMPLETE');
    if (!stack && required) throw this.errors.make('ValidationError', `Stack with id ${stackName} does not exist`);
    return stack;
  }

  /** Queues the events a stack goes through; the last one's status becomes the stack's. */
  queue(stack: StackState, steps: [logicalId: string, type: string, status: string, reason?: string][]): void {
    for (const [LogicalResourceId, ResourceType, ResourceStatus, reason] of steps) {
      stack.pending.push({
        EventId: this.env.uuid(),
        StackId: stack.stackId,
        StackName: stack.name,
        LogicalResourceId,
        ResourceType,
        ResourceStatus,
        Timestamp: new Date(this.env.now()),
        ...(reason ? { ResourceStatusReason: reason } : {}),
      });
    }
  }

  private advance(stack: StackState): void {
    const next = stack.pending.shift();
    if (!next) return;
    next.Timestamp = new Date(Math.max(this.env.now(), next.Timestamp.getTime()));
    stack.events.push(next);
    if (next.LogicalResourceId === stack.name && next.ResourceType === 'AWS::CloudFormation::Stack') stack.status = next.ResourceStatus;
  }

  private view(stack: StackState) {
    this.advance(stack);
    const Parameters = Object.entries(stack.parameters).map(([ParameterKey, v]) => ({
      ParameterKey,
      ParameterValue: stack.noEcho.includes(ParameterKey) ? '****' : v,
    }));
    const Outputs = /(CREATE|UPDATE)_COMPLETE$/.test(stack.status)
      ? Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }))
      : [];
    return { StackId: stack.stackId, StackName: stack.name, StackStatus: stack.status, CreationTime: new Date(0), Parameters, Outputs };
  }

  private resources(stack: StackState) {
    return {
      StackResources: Object.entries(stack.resources).map(([LogicalResourceId, r]) => ({
        StackId: stack.stackId,
        StackName: stack.name,
        LogicalResourceId,
        PhysicalResourceId: r.physicalId,
        ResourceType: r.type,
        ResourceStatus: 'CREATE_COMPLETE',
        Timestamp: new Date(0),
      })),
    };
  }

  private describeEvents(stack: StackState) {
    this.advance(stack);
    return { StackEvents: [...stack.events].reverse() };
  }

  private async deleteStack(stackName: unknown) {
    const stack = this.find(stackName, false);
    // Deleting a stack that does not exist (or is gone) succeeds.
    if (!stack || stack.status === 'DELETE_COMPLETE') return {};
    if (stack.status.endsWith('_IN_PROGRESS'))
      throw this.errors.make('ValidationError', `Stack [${stack.name}] cannot be deleted while in status ${stack.status}`);
    const self: [string, string] = [stack.name, 'AWS::CloudFormation::Stack'];
    await this.onDelete?.(stack);
    this.queue(stack, [
      [...self, 'DELETE_IN_PROGRESS', 'User Initiated'],
      ...Object.entries(stack.resources)
        .reverse()
        .flatMap(([id, r]): [string, string, string][] => [
          [id, r.type, 'DELETE_IN_PROGRESS'],
          [id, r.type, 'DELETE_COMPLETE'],
        ]),
      [...self, 'DELETE_COMPLETE'],
    ]);
    return {};
  }
}
