import type { FindingPublishingFrequency, GetDetectorCommandOutput } from '@aws-sdk/client-guardduty';
import { TAG_NAME } from '../../config/names';
import { updateOf, type Change } from '../component';
import { detectorRelation } from './detector-ownership';

/** What read found: the region's detector (at most one), or nothing. */
export interface DetectorFound {
  id?: string;
  detector?: GetDetectorCommandOutput;
}

/** The detector the config asks for: the one place its settings are written. */
export interface DetectorWanted {
  stackId: string;
  /** Our ownership tags: the pipeline name in them tells this pipeline from a sibling of the same stack. */
  tags: Record<string, string>;
  /** False when the config does not ask for GuardDuty (EnableGuardDuty false). */
  wanted: boolean;
  /** CreateGuardDutyDetector: make one when the region has none. */
  create: boolean;
  frequency: FindingPublishingFrequency;
  /** GuardDutyOnDelete: whether a detector this pipeline created goes with it. */
  deleted: boolean;
}

/** What one change does: create the detector, take it over from a sibling pipeline name, enable it, set its frequency. */
export type DetectorAction = 'create' | 'hand-over' | 'enable' | 'frequency';

/**
 * Pure. None: create (or, with CreateGuardDutyDetector false, a create ensure only warns about). One someone else
 * made: adopt it (only its frequency is ever changed, and not while it is disabled). One another stack recorded
 * itself on: used as it is. Ours, or a sibling's that a rename hands over: enabled again and its frequency set.
 * Settings ensure leaves as they are still show, with no action, so inspect reports them.
 */
export function diffDetector({ id, detector }: DetectorFound, want: DetectorWanted): Change<DetectorAction>[] {
  if (!id || !detector)
    return [{ kind: 'create', resource: 'GuardDuty detector', description: 'create', ...(want.create ? { action: 'create' as const } : {}) }];
  const resource = `GuardDuty detector ${id}`;
  const relation = detectorRelation(detector.Tags ?? {}, want);
  const created = (relation.kind === 'ours' || relation.kind === 'sibling') && relation.created;
  if (!want.wanted) {
    const deleted = relation.kind === 'ours' && created && (want.deleted || relation.provisional);
    return deleted ? [{ kind: 'delete', resource, description: 'not wanted by the config' }] : [];
  }
  const changes: Change<DetectorAction>[] = [];
  // Recorded as another stack's (which may since be deleted, the detector retained): never changed by us.
  if (relation.kind === 'foreign') changes.push({ kind: 'adopt', resource, description: `used as it is, settings unchanged: recorded as ${relation.stack}'s` });
  if (relation.kind === 'unclaimed') changes.push({ kind: 'adopt', resource, description: 'adopted existing detector (never deleted by this stack)' });
  if (relation.kind === 'sibling')
    changes.push(updateOf(resource, 'pipeline', relation.name, want.tags[TAG_NAME], 'hand over to this pipeline name', 'hand-over'));
  const { Status: status, FindingPublishingFrequency: frequency } = detector;
  const enabled = status === 'ENABLED';
  // A disabled detector is enabled again only when ours; one we did not create is not changed at all while disabled.
  if (!enabled)
    changes.push(
      setting(
        resource,
        'Status',
        status,
        'ENABLED',
        `detector is ${status ?? 'unknown'}${created ? '' : ': no findings flow; left as it is'}`,
        created && 'enable',
      ),
    );
  if (frequency !== want.frequency) {
    const ours = relation.kind !== 'foreign' && (enabled || created);
    changes.push(
      setting(
        resource,
        'FindingPublishingFrequency',
        frequency,
        want.frequency,
        `finding publishing frequency is ${frequency ?? 'unknown'}, wanted ${want.frequency}`,
        ours && 'frequency',
      ),
    );
  }
  return changes;
}

/** A setting that differs: an update ensure makes (`action`), or one it leaves as found (no fields: the plan shows the description). */
function setting(resource: string, field: string, from: unknown, to: unknown, description: string, action: DetectorAction | false): Change<DetectorAction> {
  return action ? updateOf(resource, field, from, to, description, action) : { kind: 'update', resource, description, fields: [] };
}
