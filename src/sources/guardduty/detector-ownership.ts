import { TAG_NAME, TAG_STACK } from '../../config/names';
import type { PipelineContext } from '../../components/context';

/**
 * Who uses the region's GuardDuty detector, as recorded in tags on the detector itself (pure; no AWS calls).
 *
 * - Created by a pipeline: the ownership tags `siem-pipeline:stack` and `siem-pipeline:name` (only a
 *   created detector carries the stack tag, which the template's DeleteDetector grant requires).
 * - Adopted by a pipeline: `siem-pipeline:adopted-stack` / `siem-pipeline:adopted-name`, put only when the
 *   pipeline changes a setting, with the setting's original value in `siem-pipeline:original-frequency`;
 *   all three come off again when the pipeline is removed, after the frequency is restored.
 * - Handed over: a rename builds the new pipeline before CloudFormation deletes the old one; the new one
 *   takes the detector over and records the old name in `siem-pipeline:previous-name`. The old name's
 *   Delete then only clears that tag; a failed replacement's cleanup hands the detector back to it.
 * - Provisional: a detector made by a request that has not yet succeeded. Its remove deletes it whatever
 *   GuardDutyOnDelete says: a failed Create leaves no findings history worth keeping, and CloudFormation
 *   always follows a failed Create with a Delete, so the retry finds no detector to mistake for someone
 *   else's. A request that succeeds clears the mark. Another stack never takes a detector over, not even a
 *   provisional one: its Create may still be running.
 */
export const TAG_ADOPTED_STACK = 'siem-pipeline:adopted-stack';
/** The pipeline name that adopted the detector (with TAG_ADOPTED_STACK). */
export const TAG_ADOPTED_NAME = 'siem-pipeline:adopted-name';
/** The finding publishing frequency the adopted detector had before the pipeline changed it. */
export const TAG_ORIGINAL_FREQUENCY = 'siem-pipeline:original-frequency';
/** The pipeline name of this stack that handed the detector over in a rename. */
export const TAG_PREVIOUS_NAME = 'siem-pipeline:previous-name';
/** `true` while the request that created the detector has not succeeded. */
export const TAG_PROVISIONAL = 'siem-pipeline:provisional';

/** Every tag key the pipeline may put on an adopted detector (removed again on Delete). */
export const ADOPTION_TAG_KEYS = [TAG_ADOPTED_STACK, TAG_ADOPTED_NAME, TAG_ORIGINAL_FREQUENCY, TAG_PREVIOUS_NAME] as const;

/** How the detector relates to the pipeline asking. */
export type DetectorRelation =
  /** No pipeline recorded itself on it: someone else's, untouched so far. */
  | { kind: 'unclaimed' }
  /** This pipeline of this stack created (`created`) or adopted it. */
  | { kind: 'ours'; created: boolean; previousName?: string; provisional: boolean }
  /** Another pipeline name of this stack uses it (a rename in progress, or finished). */
  | { kind: 'sibling'; created: boolean; name: string; previousName?: string }
  /** Another stack uses it: used as it is, never changed. */
  | { kind: 'foreign'; stack: string };

/** Reads the relation from the detector's tags. */
export function detectorRelation(tags: Record<string, string>, ctx: Pick<PipelineContext, 'stackId' | 'tags'>): DetectorRelation {
  const created = tags[TAG_STACK] !== undefined;
  const stack = created ? tags[TAG_STACK] : tags[TAG_ADOPTED_STACK];
  const name = created ? tags[TAG_NAME] : tags[TAG_ADOPTED_NAME];
  if (stack === undefined) return { kind: 'unclaimed' };
  const previousName = tags[TAG_PREVIOUS_NAME];
  const provisional = tags[TAG_PROVISIONAL] === 'true';
  if (stack !== ctx.stackId) return { kind: 'foreign', stack };
  if (name === ctx.tags[TAG_NAME]) return { kind: 'ours', created, provisional, ...(previousName ? { previousName } : {}) };
  return { kind: 'sibling', created, name: name ?? '(none)', ...(previousName ? { previousName } : {}) };
}

/** The tag that names the using pipeline, for a created or an adopted detector. */
export function nameTagKey(created: boolean): string {
  return created ? TAG_NAME : TAG_ADOPTED_NAME;
}
