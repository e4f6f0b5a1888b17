import type { PipelineConfig } from '../config/pipeline-config';
import type { Change, Component, ComponentStatus } from '../components/component';
import type { PipelineContext } from '../components/context';
import { classify } from './audit';

/** What a Create/Update would do to one component. */
export type PlanAction = 'create' | 'change' | 'remove' | 'adopt' | 'none';

/** One component's planned change, with the fields that would change. */
export interface PlannedChange {
  component: string;
  action: PlanAction;
  fields: string[];
  /** Flow logs: the VPCs that would get one. */
  vpcs?: string[];
}

/** Create: the stack does not exist yet (what exists is someone else's); Update: it does. */
export type PlanRequestType = 'Create' | 'Update';

/**
 * The component's planned change: from its own `plan` when it has one, otherwise derived from `inspect`
 * (absent and enabled -> create; drifted -> change with the differences; present and not wanted -> remove).
 * Reads only.
 */
export async function componentPlan(
  component: Component,
  config: PipelineConfig,
  ctx: PipelineContext,
  request: PlanRequestType = 'Update',
): Promise<PlannedChange> {
  const c = component;
  if (c.plan) {
    const enabled = c.enabled(config, ctx);
    // A component the config does not enable is not created: its absence is no change.
    return fromChanges(
      c.id,
      (await c.plan(config, ctx)).filter((change) => enabled || change.kind !== 'create'),
      request,
    );
  }
  return fromStatus(c.id, c.enabled(config, ctx), await c.inspect(config, ctx), config);
}

/** Derives the plan of one component from what inspect found. */
export function fromStatus(id: string, enabled: boolean, status: ComponentStatus, config: Pick<PipelineConfig, 'guardDuty'>): PlannedChange {
  const d = status.details ?? {};
  const list = (v: unknown) => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : describe(x))) : []);
  const result = classify(id, enabled, status, config).result;
  if (result === 'unexpected') return { component: id, action: 'remove', fields: [] };
  if (!enabled) return { component: id, action: 'none', fields: [] };
  const vpcs = list(d.missing);
  const withVpcs = vpcs.length > 0 ? { vpcs } : {};
  if (status.state === 'absent') {
    if (id === 'flow-logs' && vpcs.length === 0) return { component: id, action: 'none', fields: [] };
    return { component: id, action: 'create', fields: [], ...withVpcs };
  }
  // event-sources reports its wanted rules as drift of the component: when none of them exists, it is a create.
  const rules = d.rules && typeof d.rules === 'object' ? Object.values(d.rules as Record<string, unknown>) : [];
  if (status.state === 'drifted' && rules.length > 0 && rules.every((r) => r === 'absent'))
    return { component: id, action: 'create', fields: Object.keys(d.rules as object) };
  if (status.state === 'drifted') {
    const fields = [...list(d.differences), ...list(d.drifted).map((x) => `recreate ${x}`), ...list(d.orphaned).map((x) => `delete ${x}`)];
    return { component: id, action: 'change', fields, ...withVpcs };
  }
  return { component: id, action: 'none', fields: [] };
}

/**
 * Normalises the contract's Change list (whatever its exact shape) to one PlannedChange. An adopt shows as the
 * action alone (its writes, if any, are the other changes); one that writes nothing (using a detector as found)
 * is news to a Create only: an Update's stack adopted it already.
 */
function fromChanges(id: string, changes: readonly Change[], request: PlanRequestType): PlannedChange {
  const actions = new Set<PlanAction>();
  const fields: string[] = [];
  for (const change of changes) {
    if (change.kind === 'none' || (change.kind === 'adopt' && change.action === undefined && request === 'Update')) continue;
    actions.add(PLAN_ACTION[change.kind]);
    if (change.kind === 'adopt') continue;
    // An update with no fields (a stopped trail to start) is shown by its description.
    if (change.kind === 'update' && change.fields.length > 0) fields.push(...change.fields.map((f) => `${f.field}: ${text(f.from)} -> ${text(f.to)}`));
    else fields.push(change.description);
  }
  const action = (['adopt', 'remove', 'create', 'change'] as const).find((a) => actions.has(a)) ?? 'none';
  return { component: id, action, fields };
}

/** How each kind of the contract's Change reads in a plan (a conflict is a change the Create/Update would refuse). */
const PLAN_ACTION: Record<Exclude<Change['kind'], 'none'>, PlanAction> = {
  create: 'create',
  delete: 'remove',
  adopt: 'adopt',
  update: 'change',
  conflict: 'change',
};

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function describe(x: unknown): string {
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if ('setting' in o) return `${String(o.setting)}: ${String(o.current)} -> ${String(o.desired)}`;
    if ('vpcId' in o) return String(o.vpcId);
  }
  return JSON.stringify(x);
}
