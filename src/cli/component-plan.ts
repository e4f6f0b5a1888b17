import type { Change } from '../components/component';

/** What a Create/Update would do to one component. */
export type PlanAction = 'create' | 'change' | 'remove' | 'adopt' | 'none';

/** One component's planned change, with the fields that would change. */
export interface PlannedChange {
  component: string;
  action: PlanAction;
  fields: string[];
  /** The targets that would be created (`Change.targets`): for flow logs, the VPCs that would get one. */
  vpcs?: string[];
}

/** Create: the stack does not exist yet (what exists is someone else's); Update: it does. */
export type PlanRequestType = 'Create' | 'Update';

/**
 * Normalises the contract's Change list (whatever its exact shape) to one PlannedChange. Changes with `targets`
 * name them: a create's are listed apart (`vpcs`), any other's after its text. When some targets of a resource
 * stay as they are (a `none` change of it names them), creating or deleting others of it changes the component.
 * An adopt shows as the action alone (its writes, if any, are the other changes); one that writes nothing (using
 * a detector as found) is news to a Create only: an Update's stack adopted it already.
 */
export function fromChanges(id: string, changes: readonly Change[], request: PlanRequestType = 'Update'): PlannedChange {
  const actions = new Set<PlanAction>();
  // In order; the same text of several changes with targets (one setting of many VPCs) once, with all their targets.
  const fields: { text: string; targets?: string[] }[] = [];
  const vpcs: string[] = [];
  const kept = new Set(changes.filter((c) => c.kind === 'none' && c.targets?.length).map((c) => c.resource));
  for (const change of changes) {
    if (change.kind === 'none' || (change.kind === 'adopt' && change.action === undefined && request === 'Update')) continue;
    actions.add(kept.has(change.resource) && (change.kind === 'create' || change.kind === 'delete') ? 'change' : PLAN_ACTION[change.kind]);
    if (change.kind === 'adopt') continue;
    if (change.kind === 'create' && change.targets) {
      vpcs.push(...change.targets);
      continue;
    }
    // An update with no fields (a stopped trail to start) is shown by its description.
    const texts =
      change.kind === 'update' && change.fields.length > 0 ? change.fields.map((f) => `${f.field}: ${text(f.from)} -> ${text(f.to)}`) : [change.description];
    for (const t of texts) {
      const same = change.targets && fields.find((f) => f.targets && f.text === t);
      if (same) same.targets!.push(...change.targets!);
      else fields.push({ text: t, ...(change.targets ? { targets: [...change.targets] } : {}) });
    }
  }
  const action = (['adopt', 'remove', 'create', 'change'] as const).find((a) => actions.has(a)) ?? 'none';
  const listed = fields.map((f) => (f.targets ? `${f.text} on ${f.targets.join(', ')}` : f.text));
  return { component: id, action, fields: listed, ...(vpcs.length > 0 ? { vpcs } : {}) };
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
