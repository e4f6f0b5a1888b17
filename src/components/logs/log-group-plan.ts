import type { SubscriptionFilter } from '@aws-sdk/client-cloudwatch-logs';
import { changeOf, NOT_WANTED, notInLambda, updateOf, type Change } from '../component';
import { ownershipConflict } from '../ownership';
import { diffSubscription, type DesiredSubscription } from './subscription';

/**
 * What read found of the group the pipeline subscribes: our own group (created, tagged, its retention set) or a
 * reused trail group (someone else's: only our filter goes on it).
 */
export interface GroupFound {
  /** The group subscribed: ours, or the reused one. */
  group: string;
  /** False for ensure of our own group: then it is created (or converged), its retention set and subscribed unread. */
  read: boolean;
  /** Tags of our own group (for a reused group: the one left from before the switch); undefined when there is none. */
  tags?: Record<string, string>;
  retentionInDays?: number;
  /** Our filter on the subscribed group. */
  filter?: SubscriptionFilter;
  /** Reused group only: the filter of this stack's previous pipeline name, whose slot ours takes. */
  predecessor?: string;
  /** Reused group only: the group our stream records (null: none); undefined when not read (ensure records it anyway). */
  recorded?: string | null;
}

/** The group the config asks for: the one place its retention and filter are written. */
export interface GroupWanted {
  /** The group subscribed: ours, or the reused one. */
  group: string;
  /** Our own group's name (differs from `group` when a reused group is subscribed instead). */
  ownGroup: string;
  reused: boolean;
  stackId: string;
  /** False when the config does not ask for the group (inspect reports one of ours as drifted). */
  wanted: boolean;
  retentionInDays: number;
  subscription: DesiredSubscription;
}

/**
 * What a change does: create our group (with retention and filter), set retention, put our filter (on a reused
 * group in place of a rename's predecessor), delete our own group when a reused one replaces it, record the reused group.
 */
export type GroupAction = 'create' | 'retention' | 'subscribe' | 'remove-own' | 'record';

/**
 * Pure. Our own group: unread (ensure) or absent, create; not ours, a conflict; else retention and filter changes.
 * A reused group: adopt it (recorded on our stream) and create our filter on it, or converge the filter.
 */
export function diffLogGroup(found: GroupFound, want: GroupWanted): Change<GroupAction>[] {
  const resource = `log group ${want.group}`;
  if (want.reused) return diffReusedGroup(found, want, resource);
  // Absent and not wanted: inspect reports it absent, the plan drops the create.
  if (!found.read || !found.tags) return [changeOf('create', resource, 'create', 'create')];
  // Only inspect and plan read our own group: the comparison is left out of the Lambda bundles.
  return (process.env.SIEM_LAMBDA_BUNDLE ? notInLambda : diffOwnGroup)(found, want, resource, found.tags);
}

function diffOwnGroup(found: GroupFound, want: GroupWanted, resource: string, tags: Record<string, string>): Change<GroupAction>[] {
  const conflict = ownershipConflict(resource, tags, want);
  if (conflict) return [changeOf('conflict', resource, conflict)];
  if (!want.wanted) return [changeOf('delete', resource, NOT_WANTED)];
  const changes: Change<GroupAction>[] = [];
  const days = found.retentionInDays;
  if (days !== want.retentionInDays)
    changes.push(
      updateOf(resource, 'retentionInDays', days, want.retentionInDays, `retention ${days ?? 'never expires'} days, want ${want.retentionInDays}`, 'retention'),
    );
  return [...changes, ...diffSubscription(resource, found.filter, want.subscription)];
}

/** A reused group is someone else's: the changes only ever touch our filter on it and our own group. */
function diffReusedGroup(found: GroupFound, want: GroupWanted, resource: string): Change<GroupAction>[] {
  const changes: Change<GroupAction>[] = [];
  // Our own group, from before the switch to the reused one (the group of a trail we no longer make).
  if (found.tags && !ownershipConflict('', found.tags, want))
    changes.push(changeOf('delete', `log group ${want.ownGroup}`, `replaced by ${want.group}`, 'remove-own'));
  if (found.filter && !want.wanted) return [...changes, changeOf('delete', resource, NOT_WANTED)];
  if (want.wanted && found.recorded !== want.group) changes.push(changeOf('adopt', resource, 'reused: only our filter goes on it', 'record'));
  // No filter of ours yet (inspect reports the group absent); a rename's predecessor gives its slot to ours.
  if (!found.filter)
    return [...changes, changeOf('create', resource, `subscribe ${want.group}${found.predecessor ? ` in place of ${found.predecessor}` : ''}`, 'subscribe')];
  return [...changes, ...diffSubscription(resource, found.filter, want.subscription)];
}
