import type { CloudFormationFake, StackState } from './cloudformation';

type Input = Record<string, unknown>;

/** What a template at a URL makes: the fake does not read templates, the test says what each one holds. */
export interface FakeTemplate {
  resources: Record<string, { type: string; physicalId: string }>;
  outputs: Record<string, string>;
  /** NoEcho parameters. */
  noEcho?: string[];
  /** A logical id whose creation fails: the stack rolls back. */
  failing?: string;
}

interface ChangeSetState {
  id: string;
  name: string;
  stack: StackState;
  type: 'CREATE' | 'UPDATE';
  status: string;
  statusReason?: string;
  executionStatus: string;
  /** Describe calls until CREATE_COMPLETE (the SDK waiter polls). */
  describesLeft: number;
  template: FakeTemplate;
  templateUrl: string;
  parameters: Record<string, string>;
}

const NO_CHANGES = "The submitted information didn't contain changes. Submit different information to create a change set.";

/** Change sets of the CloudFormation fake: create (pending for one describe), describe, execute, delete. */
export class ChangeSets {
  readonly templates = new Map<string, FakeTemplate>();
  private readonly sets = new Map<string, ChangeSetState>();

  constructor(private readonly cfn: CloudFormationFake) {}

  create(i: Input) {
    const { errors, env } = this.cfn;
    const name = String(i.StackName ?? '');
    const type = i.ChangeSetType === 'CREATE' ? 'CREATE' : 'UPDATE';
    if (typeof i.TemplateBody === 'string' && Buffer.byteLength(i.TemplateBody) > 51_200)
      throw errors.make('ValidationError', 'Template may not exceed 51200 bytes in size.');
    const url = String(i.TemplateURL ?? '');
    const template = this.templates.get(url);
    if (!template) throw errors.make('ValidationError', 'TemplateURL must be a supported URL.');
    let stack = this.cfn.find(name, false);
    if (type === 'CREATE') {
      if (stack && stack.status !== 'REVIEW_IN_PROGRESS') throw errors.make('AlreadyExistsException', `Stack [${name}] already exists`);
      stack ??= this.cfn.setStack(`arn:${env.partition}:cloudformation:${env.region}:${env.account}:stack/${name}/${env.uuid()}`, 'REVIEW_IN_PROGRESS');
    } else if (!stack || stack.status === 'REVIEW_IN_PROGRESS') {
      throw errors.make('ValidationError', `Stack [${name}] does not exist`);
    }
    const parameters: Record<string, string> = {};
    for (const p of (i.Parameters ?? []) as { ParameterKey: string; ParameterValue?: string; UsePreviousValue?: boolean }[]) {
      parameters[p.ParameterKey] = p.UsePreviousValue ? (stack.parameters[p.ParameterKey] ?? '') : (p.ParameterValue ?? '');
    }
    const same = type === 'UPDATE' && stack.templateUrl === url && JSON.stringify(parameters) === JSON.stringify(stack.parameters);
    const id = `arn:${env.partition}:cloudformation:${env.region}:${env.account}:changeSet/${String(i.ChangeSetName)}/${env.uuid()}`;
    this.sets.set(id, {
      id,
      name: String(i.ChangeSetName),
      stack,
      type,
      status: 'CREATE_PENDING',
      ...(same ? { statusReason: NO_CHANGES } : {}),
      executionStatus: 'UNAVAILABLE',
      describesLeft: 1,
      template,
      templateUrl: url,
      parameters,
    });
    return { Id: id, StackId: stack.stackId };
  }

  describe(i: Input) {
    const set = this.get(i.ChangeSetName);
    if (set.status === 'CREATE_PENDING' && set.describesLeft-- <= 0) {
      set.status = set.statusReason ? 'FAILED' : 'CREATE_COMPLETE';
      set.executionStatus = set.statusReason ? 'UNAVAILABLE' : 'AVAILABLE';
    }
    const Changes =
      set.status === 'CREATE_COMPLETE'
        ? Object.entries(set.template.resources).map(([LogicalResourceId, r]) => ({
            Type: 'Resource',
            ResourceChange: {
              Action: set.type === 'CREATE' ? 'Add' : 'Modify',
              LogicalResourceId,
              ResourceType: r.type,
              ...(set.type === 'UPDATE' ? { Replacement: 'False' } : {}),
            },
          }))
        : [];
    return {
      ChangeSetId: set.id,
      ChangeSetName: set.name,
      StackId: set.stack.stackId,
      Status: set.status,
      ExecutionStatus: set.executionStatus,
      ...(set.statusReason ? { StatusReason: set.statusReason } : {}),
      Changes,
    };
  }

  execute(i: Input) {
    const set = this.get(i.ChangeSetName);
    if (set.executionStatus !== 'AVAILABLE')
      throw this.cfn.errors.make(
        'InvalidChangeSetStatus',
        `ChangeSet [${set.id}] cannot be executed in its current execution status of [${set.executionStatus}]`,
      );
    set.executionStatus = 'EXECUTE_IN_PROGRESS';
    const stack = set.stack;
    const verb = set.type === 'CREATE' ? 'CREATE' : 'UPDATE';
    const self: [string, string] = [stack.name, 'AWS::CloudFormation::Stack'];
    stack.status = `${verb}_IN_PROGRESS`;
    const steps: [string, string, string, string?][] = [[...self, `${verb}_IN_PROGRESS`, 'User Initiated']];
    for (const [id, r] of Object.entries(set.template.resources)) {
      steps.push([id, r.type, `${verb}_IN_PROGRESS`]);
      if (id === set.template.failing) {
        steps.push(
          [id, r.type, `${verb}_FAILED`, 'Resource creation failed (fault planted by the test)'],
          [...self, 'ROLLBACK_IN_PROGRESS'],
          [...self, 'ROLLBACK_COMPLETE'],
        );
        this.cfn.queue(stack, steps);
        return {};
      }
      steps.push([id, r.type, `${verb}_COMPLETE`]);
    }
    steps.push([...self, `${verb}_COMPLETE`]);
    this.cfn.queue(stack, steps);
    Object.assign(stack, {
      parameters: set.parameters,
      noEcho: set.template.noEcho ?? [],
      outputs: set.template.outputs,
      resources: set.template.resources,
      templateUrl: set.templateUrl,
    });
    return {};
  }

  remove(i: Input) {
    this.sets.delete(this.get(i.ChangeSetName).id);
    return {};
  }

  private get(name: unknown): ChangeSetState {
    const set = this.sets.get(String(name)) ?? [...this.sets.values()].find((s) => s.name === name);
    if (!set) throw this.cfn.errors.make('ChangeSetNotFound', `ChangeSet [${String(name)}] does not exist`);
    return set;
  }
}
