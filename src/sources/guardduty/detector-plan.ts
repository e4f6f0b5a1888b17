import type { FindingPublishingFrequency, GetDetectorCommandOutput } from '@aws-sdk/client-guardduty';
import { TAG_NAME } from '../../config/names';
import { changeOf, NOT_WANTED, notInLambda, updateOf, type Change } from '../../components/component';
import { detectorRelation, type DetectorRelation } from './detector-ownership';
import { detectorLabel } from './detector-api';

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
  if (!id || !detector) return [changeOf('create', 'GuardDuty detector', 'create', want.create ? ('create' as const) : undefined)];
  const resource = detectorLabel(id);
  const relation = detectorRelation(detector.Tags ?? {}, want);
  const created = (relation.kind === 'ours' || relation.kind === 'sibling') && relation.created;
  // Ensure never runs for a detector the config does not want (remove does): what is left is inspect's and the plan's.
  if (!want.wanted) return (process.env.SIEM_LAMBDA_BUNDLE ? notInLambda : unwantedDetector)(relation, want, resource);
  const changes: Change<DetectorAction>[] = [];
  const me = want.tags[TAG_NAME];
  // Recorded as another stack's (which may since be deleted, the detector retained): never changed by us.
  if (relation.kind === 'foreign') changes.push(changeOf('adopt', resource, `used as it is, settings unchanged: recorded as ${relation.stack}'s`));
  if (relation.kind === 'unclaimed') changes.push(changeOf('adopt', resource, 'adopted existing detector (never deleted by this stack)'));
  // A rename hands the detector over to the new name, or back to the old one when the new one is removed.
  if (relation.kind === 'sibling')
    changes.push(
      updateOf(resource, 'pipeline', relation.name, me, `taken ${relation.previousName === me ? 'back' : 'over'} from ${relation.name}`, 'hand-over'),
    );
  const { Status: status, FindingPublishingFrequency: frequency } = detector;
  const enabled = status === 'ENABLED';
  // A disabled detector is enabled again only when ours; one we did not create is not changed at all while disabled.
  const left = created ? '' : ': no findings flow; left as it is';
  if (!enabled) changes.push(setting(resource, 'Status', status, 'ENABLED', `detector is ${status ?? 'unknown'}${left}`, created && 'enable'));
  if (frequency !== want.frequency) {
    const description = `finding publishing frequency is ${frequency ?? 'unknown'}, wanted ${want.frequency}`;
    changes.push(
      setting(
        resource,
        'FindingPublishingFrequency',
        frequency,
        want.frequency,
        description,
        relation.kind !== 'foreign' && (enabled || created) && 'frequency',
      ),
    );
  }
  return changes;
}

/** A detector the config does not want goes only when this pipeline created it and GuardDutyOnDelete (or a failed Create) says so. */
function unwantedDetector(relation: DetectorRelation, want: DetectorWanted, resource: string): Change<DetectorAction>[] {
  const deleted = relation.kind === 'ours' && relation.created && (want.deleted || relation.provisional);
  return deleted ? [changeOf('delete', resource, NOT_WANTED)] : [];
}

/** A setting that differs: an update ensure makes (`action`), or one it leaves as found (no fields: the plan shows the description). */
function setting(resource: string, field: string, from: unknown, to: unknown, description: string, action: DetectorAction | false): Change<DetectorAction> {
  return action ? updateOf(resource, field, from, to, description, action) : { kind: 'update', resource, description, fields: [] };
}
