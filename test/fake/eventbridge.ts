import {
  ConcurrentModificationException,
  EventBridgeServiceException,
  InvalidEventPatternException,
  LimitExceededException,
  ManagedRuleException,
  ResourceNotFoundException,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { ErrorFactory } from './errors';
import { checkedTags } from './tag-rules';
import type { IamFake } from './iam';
import type { KinesisFake } from './kinesis';
import { matchesOwner, notModelled, toTagList, fromTagList, type FakeEnv, type FakeService, type OwnedResource, type OwnerMatch } from './service';

interface RuleState {
  name: string;
  arn: string;
  pattern?: string;
  schedule?: string;
  state: 'ENABLED' | 'DISABLED';
  description?: string;
  tags: Record<string, string>;
  targets: Target[];
}

/** Targets per rule. */
export const TARGETS_PER_RULE = 5;

type Input = Record<string, unknown>;

/**
 * EventBridge on the default bus: rules (create-or-update with PutRule; tags only on create), targets
 * (Kinesis targets need a RoleArn), and `publish` to route an event through matching rules to Kinesis.
 */
export class EventBridgeFake implements FakeService {
  readonly key = 'events' as const;
  readonly errors = new ErrorFactory({
    base: EventBridgeServiceException,
    modeled: {
      ConcurrentModificationException: [ConcurrentModificationException, 400],
      InvalidEventPatternException: [InvalidEventPatternException, 400],
      LimitExceededException: [LimitExceededException, 400],
      ManagedRuleException: [ManagedRuleException, 400],
      ResourceNotFoundException: [ResourceNotFoundException, 400],
    },
    protocol: 'json',
    throttling: 'ThrottlingException',
    accessDenied: 'AccessDeniedException',
    actionPrefix: 'events',
  });
  private readonly rules = new Map<string, RuleState>();

  constructor(
    private readonly env: FakeEnv,
    private readonly links: { kinesis: KinesisFake; iam: IamFake },
  ) {}

  private readonly handlers: Record<string, (i: Input) => unknown> = {
    PutRule: (i) => this.putRule(i),
    DescribeRule: (i) => this.describeRule(i),
    ListRules: (i) => ({
      Rules: [...this.rules.values()]
        .filter((r) => r.name.startsWith(String(i.NamePrefix ?? '')))
        .map((r) => ({ Name: r.name, Arn: r.arn, EventPattern: r.pattern, ScheduleExpression: r.schedule, State: r.state, EventBusName: 'default' })),
    }),
    DeleteRule: (i) => this.deleteRule(i),
    EnableRule: (i) => this.setState(i, 'ENABLED'),
    DisableRule: (i) => this.setState(i, 'DISABLED'),
    PutTargets: (i) => this.putTargets(i),
    ListTargetsByRule: (i) => ({ Targets: this.rule(i.Rule, i.EventBusName).targets.map((t) => ({ ...t })) }),
    RemoveTargets: (i) => this.removeTargets(i),
    TagResource: (i) => {
      const r = this.ruleOfArn(i.ResourceARN);
      r.tags = {
        ...r.tags,
        ...checkedTags('events', fromTagList(i.Tags as { Key?: string; Value?: string }[] | undefined), (m) => this.errors.make('ValidationException', m)),
      };
      return {};
    },
    UntagResource: (i) => {
      const r = this.ruleOfArn(i.ResourceARN);
      for (const k of (i.TagKeys as string[] | undefined) ?? []) delete r.tags[k];
      return {};
    },
    ListTagsForResource: (i) => ({ Tags: toTagList(this.ruleOfArn(i.ResourceARN).tags) }),
  };

  readonly commands = Object.keys(this.handlers);

  handle(command: string, input: Record<string, unknown>): unknown {
    const h = this.handlers[command];
    if (!h) return notModelled(this.key, command);
    return h(input);
  }

  /**
   * Routes an event (`source`, `detail-type`, `detail`, ...) through the enabled rules whose pattern
   * matches, to their Kinesis targets. A target whose role events.amazonaws.com cannot use gets nothing.
   * Returns the number of records put.
   */
  publish(event: Record<string, unknown>): number {
    const full = {
      version: '0',
      id: this.env.uuid(),
      account: this.env.account,
      region: this.env.region,
      time: new Date(this.env.now()).toISOString(),
      resources: [],
      ...event,
    };
    let delivered = 0;
    for (const r of this.rules.values()) {
      if (r.state !== 'ENABLED' || !r.pattern || !matches(JSON.parse(r.pattern), full)) continue;
      for (const t of r.targets) {
        if (!t.Arn?.includes(':kinesis:')) continue;
        const use = this.links.iam.useRole(t.RoleArn, 'events->kinesis', { sourceArn: r.arn, sourceAccount: this.env.account }, ['kinesis:PutRecord'], t.Arn);
        if (!use.ok) continue;
        const path = t.KinesisParameters?.PartitionKeyPath;
        const key = path ? String(jsonPath(full, path) ?? full.id) : full.id;
        this.links.kinesis.deliver(t.Arn, key, Buffer.from(JSON.stringify(full)));
        delivered++;
      }
    }
    return delivered;
  }

  snapshot(): unknown {
    return [...this.rules.values()].map((r) => ({
      name: r.name,
      pattern: r.pattern,
      state: r.state,
      tags: { ...r.tags },
      targets: r.targets.map((t) => ({ id: t.Id, arn: t.Arn, roleArn: t.RoleArn })),
    }));
  }

  owned(match: OwnerMatch): OwnedResource[] {
    return [...this.rules.values()].filter((r) => matchesOwner(match, r.name, r.tags)).map((r) => ({ service: this.key, type: 'rule', id: r.name }));
  }

  // ---- commands ----

  private putRule(i: Input): unknown {
    this.bus(i.EventBusName);
    const name = String(i.Name ?? '');
    if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(name)) {
      throw this.errors.make(
        'ValidationException',
        `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
      );
    }
    if (i.EventPattern === undefined && i.ScheduleExpression === undefined) {
      throw this.errors.make('ValidationException', 'Parameter(s) EventPattern or ScheduleExpression must be specified.');
    }
    if (i.EventPattern !== undefined) checkPattern(this, String(i.EventPattern));
    const existing = this.rules.get(name);
    const rule: RuleState = {
      name,
      arn: `arn:${this.env.partition}:events:${this.env.region}:${this.env.account}:rule/${name}`,
      ...(i.EventPattern !== undefined ? { pattern: String(i.EventPattern) } : {}),
      ...(i.ScheduleExpression !== undefined ? { schedule: String(i.ScheduleExpression) } : {}),
      state: i.State === 'DISABLED' ? 'DISABLED' : 'ENABLED',
      ...(i.Description !== undefined ? { description: String(i.Description) } : {}),
      // PutRule on an existing rule ignores Tags: they are set on create only.
      tags: existing
        ? existing.tags
        : checkedTags('events', fromTagList(i.Tags as { Key?: string; Value?: string }[] | undefined), (m) => this.errors.make('ValidationException', m)),
      targets: existing?.targets ?? [],
    };
    this.rules.set(name, rule);
    return { RuleArn: rule.arn };
  }

  private describeRule(i: Input): unknown {
    const r = this.rule(i.Name, i.EventBusName);
    return {
      Name: r.name,
      Arn: r.arn,
      ...(r.pattern ? { EventPattern: r.pattern } : {}),
      ...(r.schedule ? { ScheduleExpression: r.schedule } : {}),
      State: r.state,
      ...(r.description ? { Description: r.description } : {}),
      EventBusName: 'default',
      CreatedBy: this.env.account,
    };
  }

  private deleteRule(i: Input): Record<string, never> {
    this.bus(i.EventBusName);
    const r = this.rules.get(String(i.Name));
    // Deleting a rule that does not exist succeeds.
    if (!r) return {};
    if (r.targets.length > 0) throw this.errors.make('ValidationException', "Rule can't be deleted since it has targets.");
    this.rules.delete(r.name);
    return {};
  }

  private setState(i: Input, state: RuleState['state']): Record<string, never> {
    this.rule(i.Name, i.EventBusName).state = state;
    return {};
  }

  private putTargets(i: Input): unknown {
    const r = this.rule(i.Rule, i.EventBusName);
    const targets = (i.Targets as Target[] | undefined) ?? [];
    for (const t of targets) {
      if (t.Arn?.includes(':kinesis:') && !t.RoleArn)
        throw this.errors.make('ValidationException', `Parameter(s) RoleArn must be specified for target: ${t.Id}.`);
    }
    const merged = [...r.targets.filter((x) => !targets.some((t) => t.Id === x.Id)), ...targets.map((t) => ({ ...t }))];
    if (merged.length > TARGETS_PER_RULE) throw this.errors.make('LimitExceededException', 'The requested resource exceeds the maximum number allowed.');
    r.targets = merged;
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  private removeTargets(i: Input): unknown {
    const r = this.rule(i.Rule, i.EventBusName);
    const ids = (i.Ids as string[] | undefined) ?? [];
    r.targets = r.targets.filter((t) => !ids.includes(t.Id ?? ''));
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  // ---- helpers ----

  private bus(name: unknown): void {
    if (name !== undefined && name !== 'default' && !String(name).endsWith(':event-bus/default')) {
      throw this.errors.make('ResourceNotFoundException', `Event bus ${String(name)} does not exist.`);
    }
  }

  private rule(name: unknown, bus: unknown): RuleState {
    this.bus(bus);
    const r = this.rules.get(String(name));
    if (!r) throw this.errors.make('ResourceNotFoundException', `Rule ${String(name)} does not exist on EventBus default.`);
    return r;
  }

  private ruleOfArn(arn: unknown): RuleState {
    const name = /:rule\/(.+)$/.exec(String(arn))?.[1];
    const r = name === undefined ? undefined : this.rules.get(name);
    if (!r) throw this.errors.make('ResourceNotFoundException', `Rule ${String(name)} does not exist on EventBus default.`);
    return r;
  }
}

function checkPattern(svc: EventBridgeFake, text: string): void {
  let pattern: unknown;
  try {
    pattern = JSON.parse(text);
  } catch {
    throw svc.errors.make('InvalidEventPatternException', 'Event pattern is not valid. Reason: Unrecognized token');
  }
  const bad = (v: unknown): boolean =>
    typeof v !== 'object' || v === null || Object.values(v).some((x) => (Array.isArray(x) ? x.length === 0 : typeof x !== 'object' || x === null || bad(x)));
  if (bad(pattern))
    throw svc.errors.make('InvalidEventPatternException', 'Event pattern is not valid. Reason: Match value must be String, number, true, false, or null');
}

/** Event pattern matching: every key must match; a list matches when any item does (values, prefix, exists). */
function matches(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((p) => {
      if (p && typeof p === 'object') {
        const o = p as Record<string, unknown>;
        if ('prefix' in o) return typeof event === 'string' && event.startsWith(String(o.prefix));
        if ('exists' in o) return (event !== undefined) === o.exists;
        if ('anything-but' in o) return !([] as unknown[]).concat(o['anything-but']).includes(event);
        return false;
      }
      return Array.isArray(event) ? event.includes(p) : event === p;
    });
  }
  if (pattern && typeof pattern === 'object') {
    const e = (event ?? {}) as Record<string, unknown>;
    return Object.entries(pattern).every(([k, v]) => matches(v, e[k]));
  }
  return false;
}

function jsonPath(obj: unknown, path: string): unknown {
  return path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)
    .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}
