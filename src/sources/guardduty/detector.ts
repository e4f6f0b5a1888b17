import { CreateDetectorCommand, DeleteDetectorCommand, UpdateDetectorCommand, type GetDetectorCommandOutput } from '@aws-sdk/client-guardduty';
import { TAG_NAME } from '../../config/names';
import type { PipelineConfig } from '../../config/pipeline-config';
import { isAwsError } from '../../support/errors';
import { defineComponent, type Change, type Component, type ComponentOutputs } from '../../components/component';
import type { PipelineContext } from '../../components/context';
import { BAD_REQUEST, detectorLabel, findDetector, getDetector, isAlreadyExists, isGone, tagDetector, untagDetector } from './detector-api';
import {
  ADOPTION_TAG_KEYS,
  detectorRelation,
  nameTagKey,
  TAG_ADOPTED_NAME,
  TAG_ADOPTED_STACK,
  TAG_ORIGINAL_FREQUENCY,
  TAG_PREVIOUS_NAME,
  TAG_PROVISIONAL,
} from './detector-ownership';
import { diffDetector, type DetectorAction, type DetectorFound, type DetectorWanted } from './detector-plan';
import { alreadyGone, logResource } from '../../components/ownership';

/**
 * The region's GuardDuty detector: adopted when one exists (only its finding publishing frequency is
 * changed, as asked, and restored on remove), created otherwise unless the user said not to. Who created
 * or adopted it is recorded on the detector (see detector-ownership.ts), so a rename, a retry or a
 * rollback never deletes a detector in use. A detector is deleted on remove only when this pipeline of
 * this stack created it and GuardDutyOnDelete is Delete, or when the request that created it never
 * succeeded (it has no findings history worth keeping).
 */
export const guardDutyDetectorComponent: Component = defineComponent(
  { id: 'guardduty-detector', dependsOn: [], enabled: (config) => config.guardDuty.enabled, remove: removeDetector, commit: commitDetector },
  {
    read: (_config, ctx) => readDetector(ctx),
    desired: desiredDetector,
    diff: diffDetector,
    apply: applyDetector,
    details: process.env.SIEM_LAMBDA_BUNDLE
      ? undefined
      : ({ id, detector }, ctx) => {
          const relation = detectorRelation(detector?.Tags ?? {}, ctx);
          return {
            detectorId: id,
            status: detector?.Status,
            findingPublishingFrequency: detector?.FindingPublishingFrequency,
            createdByThisStack: relation.kind === 'ours' && relation.created,
          };
        },
  },
);

function desiredDetector(config: PipelineConfig, ctx: PipelineContext): DetectorWanted {
  const { enabled, createDetector, findingFrequency, onDelete } = config.guardDuty;
  return { stackId: ctx.stackId, tags: ctx.tags, wanted: enabled, create: createDetector, frequency: findingFrequency, deleted: onDelete === 'Delete' };
}

/** The region's detector and its settings and tags (ListDetectors, GetDetector). */
async function readDetector(ctx: PipelineContext): Promise<DetectorFound> {
  const id = await findDetector(ctx);
  return id ? { id, detector: await getDetector(id, ctx) } : {};
}

/**
 * Performs the changes in the diff's order, each said in the log in the diff's words: a warning for what ensure
 * leaves as it is (a setting of a detector it did not create, another stack's detector).
 */
async function applyDetector(changes: Change<DetectorAction>[], config: PipelineConfig, ctx: PipelineContext, found: DetectorFound): Promise<ComponentOutputs> {
  const { id, detector } = found;
  if (!id || !detector) return changes[0]?.action ? createDetector(config, ctx) : noDetector(ctx);
  const relation = detectorRelation(detector.Tags ?? {}, ctx);
  const created = (relation.kind === 'ours' || relation.kind === 'sibling') && relation.created;
  for (const { action, kind, description, resource } of changes) {
    ctx.log[action || kind === 'adopt' ? 'info' : 'warn'](description, { resource });
    // A rename: the new pipeline takes the detector over (or back); the old name's Delete then leaves it in place.
    if (action === 'hand-over' && relation.kind === 'sibling')
      await handOver(id, created, relation.previousName === ctx.tags[TAG_NAME] ? undefined : relation.name, ctx);
    // Ours: someone disabled it; enabling it again is converging (an adopted one is never enabled by us).
    if (action === 'enable') await ctx.clients.guardduty.send(new UpdateDetectorCommand({ DetectorId: id, Enable: true }));
    if (action === 'frequency') await setFrequency(id, detector, created, config, ctx);
  }
  return { GuardDutyDetectorId: id };
}

/** Creates an enabled detector, provisional until the request succeeds; one a racing delivery made is used instead. */
async function createDetector(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentOutputs> {
  const { findingFrequency } = config.guardDuty;
  try {
    const out = await ctx.clients.guardduty.send(
      new CreateDetectorCommand({ Enable: true, FindingPublishingFrequency: findingFrequency, Tags: { ...ctx.tags, [TAG_PROVISIONAL]: 'true' } }),
    );
    if (!out.DetectorId) throw new Error('CreateDetector returned no DetectorId');
    ctx.log.info('created', { resource: detectorLabel(out.DetectorId), findingPublishingFrequency: findingFrequency });
    return { GuardDutyDetectorId: out.DetectorId };
  } catch (err) {
    // One detector per region: a duplicate delivery (or someone else) made one since we listed.
    if (!isAlreadyExists(err)) throw err;
    const raced = await readDetector(ctx);
    if (!raced.id) throw err;
    logResource(ctx, 'already exists', detectorLabel(raced.id));
    return applyDetector(diffDetector(raced, desiredDetector(config, ctx)), config, ctx, raced);
  }
}

function noDetector(ctx: PipelineContext): ComponentOutputs {
  ctx.log.warn('no GuardDuty detector in this region and CreateGuardDutyDetector is false: no GuardDuty findings will flow', { region: ctx.region });
  return { GuardDutyDetectorId: '' };
}

/** Moves the detector to this pipeline name, recording `previous` (or clearing it when taken back). */
async function handOver(detectorId: string, created: boolean, previous: string | undefined, ctx: PipelineContext): Promise<void> {
  await tagDetector(detectorId, { [nameTagKey(created)]: ctx.tags[TAG_NAME], ...(previous ? { [TAG_PREVIOUS_NAME]: previous } : {}) }, ctx);
  if (!previous) await untagDetector(detectorId, [TAG_PREVIOUS_NAME], ctx);
}

/**
 * Sets the finding publishing frequency when it differs. On a detector we did not create, the original
 * value is first recorded on it (with who adopted it), so remove can put it back.
 */
async function setFrequency(
  detectorId: string,
  detector: GetDetectorCommandOutput,
  created: boolean,
  config: PipelineConfig,
  ctx: PipelineContext,
): Promise<void> {
  const resource = detectorLabel(detectorId);
  const wanted = config.guardDuty.findingFrequency;
  const current = detector.FindingPublishingFrequency;
  if (current === wanted) return;
  const tags = detector.Tags ?? {};
  const record = !created && tags[TAG_ORIGINAL_FREQUENCY] === undefined && current !== undefined;
  const recorded = { [TAG_ADOPTED_STACK]: ctx.stackId, [TAG_ADOPTED_NAME]: ctx.tags[TAG_NAME], [TAG_ORIGINAL_FREQUENCY]: current ?? '' };
  if (record) await tagDetector(detectorId, recorded, ctx);
  try {
    await ctx.clients.guardduty.send(new UpdateDetectorCommand({ DetectorId: detectorId, FindingPublishingFrequency: wanted }));
    ctx.log.info('finding publishing frequency updated', { resource, from: current, to: wanted });
  } catch (err) {
    // A member account of a GuardDuty organization may not change what its administrator account manages, and
    // the template lets the provisioner update only a detector recorded as this stack's (created or adopted):
    // findings still flow, so an adopted detector keeps its frequency rather than failing the stack.
    if (created || !isAwsError(err, BAD_REQUEST, 'AccessDeniedException')) throw err;
    if (record) await untagDetector(detectorId, Object.keys(recorded), ctx);
    ctx.log.warn('finding publishing frequency of the adopted detector not changed: GuardDuty refused it', { resource, current, wanted, error: err });
  }
}

async function removeDetector(config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  const detectorId = await findDetector(ctx);
  if (!detectorId) {
    alreadyGone(ctx, 'GuardDuty detector');
    return;
  }
  const resource = detectorLabel(detectorId);
  let detector: GetDetectorCommandOutput;
  try {
    detector = await getDetector(detectorId, ctx);
  } catch (err) {
    if (isAwsError(err, BAD_REQUEST) && (await isGone(detectorId, ctx))) {
      alreadyGone(ctx, resource);
      return;
    }
    throw err;
  }
  const tags = detector.Tags ?? {};
  const relation = detectorRelation(tags, ctx);
  const me = ctx.tags[TAG_NAME];
  if (relation.kind === 'sibling' && relation.previousName === me) {
    // The cleanup Delete of a rename: the new pipeline name uses the detector now.
    await untagDetector(detectorId, [TAG_PREVIOUS_NAME], ctx);
    ctx.log.info('retained: handed over to the new pipeline name of this stack', { resource, to: relation.name });
    return;
  }
  if (relation.kind !== 'ours') {
    ctx.log.info('retained: this pipeline did not create or adopt it', { resource });
    return;
  }
  if (relation.previousName) {
    // A failed rename's cleanup: the old pipeline name, still in use, gets its detector back.
    await tagDetector(detectorId, { [nameTagKey(relation.created)]: relation.previousName }, ctx);
    await untagDetector(detectorId, [TAG_PREVIOUS_NAME], ctx);
    ctx.log.info('retained: handed back to the previous pipeline name of this stack', { resource, to: relation.previousName });
    return;
  }
  if (!relation.created) return restoreAdopted(detectorId, detector, ctx);
  if (config.guardDuty.onDelete !== 'Delete' && !relation.provisional) {
    ctx.log.info('retained: GuardDutyOnDelete is Retain (keeps the findings history)', { resource });
    return;
  }
  if (relation.provisional) ctx.log.info('deleting: created by a request that did not succeed, so it has no history to keep', { resource });
  try {
    await ctx.clients.guardduty.send(new DeleteDetectorCommand({ DetectorId: detectorId }));
    logResource(ctx, 'deleted', resource);
  } catch (err) {
    if (!(isAwsError(err, BAD_REQUEST) && (await isGone(detectorId, ctx)))) throw err;
    alreadyGone(ctx, resource);
  }
}

/** Puts an adopted detector back as it was: the original frequency, and none of our tags. */
async function restoreAdopted(detectorId: string, detector: GetDetectorCommandOutput, ctx: PipelineContext): Promise<void> {
  const resource = detectorLabel(detectorId);
  const tags = detector.Tags ?? {};
  const original = tags[TAG_ORIGINAL_FREQUENCY];
  if (original && original !== detector.FindingPublishingFrequency) {
    await ctx.clients.guardduty.send(new UpdateDetectorCommand({ DetectorId: detectorId, FindingPublishingFrequency: original as 'SIX_HOURS' }));
    ctx.log.info('finding publishing frequency restored', { resource, to: original });
  }
  await untagDetector(
    detectorId,
    ADOPTION_TAG_KEYS.filter((k) => k in tags),
    ctx,
  );
  ctx.log.info('retained as it was before the pipeline adopted it', { resource });
}

/** The request succeeded: a detector it created is no longer provisional. */
async function commitDetector(_config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  const { id, detector } = await readDetector(ctx);
  if (!id) return;
  const relation = detectorRelation(detector?.Tags ?? {}, ctx);
  if (relation.kind === 'ours' && relation.provisional) await untagDetector(id, [TAG_PROVISIONAL], ctx);
}
