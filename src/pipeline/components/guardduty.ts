import {
  CreateDetectorCommand,
  DeleteDetectorCommand,
  GetDetectorCommand,
  ListDetectorsCommand,
  UpdateDetectorCommand,
  type GetDetectorCommandOutput,
} from '@aws-sdk/client-guardduty';
import { TAG_STACK } from '../../config/names';
import type { PipelineConfig } from '../../config/pipeline-config';
import { isAwsError } from '../../errors';
import type { Component, ComponentOutputs, ComponentStatus } from '../component';
import type { PipelineContext } from '../context';

/**
 * The region's GuardDuty detector: adopted when one exists (only its finding publishing frequency is
 * changed, as asked), created otherwise unless the user said not to. A detector is deleted on remove only
 * when this stack created it and GuardDutyOnDelete is Delete: findings history matters.
 */
export const guardDutyDetectorComponent: Component = {
  id: 'guardduty-detector',
  dependsOn: [],
  enabled: (config) => config.guardDuty.enabled,
  ensure: ensureDetector,
  remove: removeDetector,
  inspect: inspectDetector,
};

/** GuardDuty answers most failures, "not found" and "already exists" included, with this one error name. */
const BAD_REQUEST = 'BadRequestException';

async function ensureDetector(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentOutputs> {
  const existing = await findDetector(ctx);
  if (existing) return adopt(existing, config, ctx);
  if (!config.guardDuty.createDetector) {
    ctx.log.warn('no GuardDuty detector in this region and CreateGuardDutyDetector is false: no GuardDuty findings will flow', {
      region: ctx.region,
    });
    return { GuardDutyDetectorId: '' };
  }
  const { findingFrequency } = config.guardDuty;
  try {
    const out = await ctx.clients.guardduty.send(
      new CreateDetectorCommand({ Enable: true, FindingPublishingFrequency: findingFrequency, Tags: ctx.tags }),
    );
    if (!out.DetectorId) throw new Error('CreateDetector returned no DetectorId');
    ctx.log.info('created', { resource: `GuardDuty detector ${out.DetectorId}`, findingPublishingFrequency: findingFrequency });
    return { GuardDutyDetectorId: out.DetectorId };
  } catch (err) {
    // One detector per region: a duplicate delivery (or someone else) made one since we listed.
    if (!isAlreadyExists(err)) throw err;
    const raced = await findDetector(ctx);
    if (!raced) throw err;
    ctx.log.info('already exists', { resource: `GuardDuty detector ${raced}` });
    return adopt(raced, config, ctx);
  }
}

/** Uses the detector as it is; only the finding publishing frequency is set, and only when it differs. */
async function adopt(detectorId: string, config: PipelineConfig, ctx: PipelineContext): Promise<ComponentOutputs> {
  const resource = `GuardDuty detector ${detectorId}`;
  const detector = await getDetector(detectorId, ctx);
  const createdByUs = detector.Tags?.[TAG_STACK] === ctx.stackId;
  if (detector.Status !== 'ENABLED') {
    ctx.log.warn('GuardDuty detector is disabled: no findings will flow until it is enabled; left as it is', {
      resource,
      status: detector.Status,
    });
    return { GuardDutyDetectorId: detectorId };
  }
  const wanted = config.guardDuty.findingFrequency;
  if (detector.FindingPublishingFrequency !== wanted) {
    try {
      await ctx.clients.guardduty.send(new UpdateDetectorCommand({ DetectorId: detectorId, FindingPublishingFrequency: wanted }));
      ctx.log.info('finding publishing frequency updated', { resource, from: detector.FindingPublishingFrequency, to: wanted });
    } catch (err) {
      // A member account of a GuardDuty organization may not change what its administrator account manages, and
      // the template lets the provisioner update only a detector its stack created (so it can disable no other):
      // findings still flow, so an adopted detector keeps its frequency rather than failing the stack.
      if (createdByUs || !isAwsError(err, BAD_REQUEST, 'AccessDeniedException')) throw err;
      ctx.log.warn('finding publishing frequency of the adopted detector not changed: GuardDuty refused it', {
        resource,
        current: detector.FindingPublishingFrequency,
        wanted,
        error: err,
      });
    }
  }
  ctx.log.info(createdByUs ? 'exists' : 'adopted existing detector (never deleted by this stack)', { resource });
  return { GuardDutyDetectorId: detectorId };
}

async function removeDetector(config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  const detectorId = await findDetector(ctx);
  if (!detectorId) {
    ctx.log.info('already gone', { resource: 'GuardDuty detector' });
    return;
  }
  const resource = `GuardDuty detector ${detectorId}`;
  let detector: GetDetectorCommandOutput;
  try {
    detector = await getDetector(detectorId, ctx);
  } catch (err) {
    if (isAwsError(err, BAD_REQUEST) && (await isGone(detectorId, ctx))) {
      ctx.log.info('already gone', { resource });
      return;
    }
    throw err;
  }
  if (detector.Tags?.[TAG_STACK] !== ctx.stackId) {
    ctx.log.info('retained: this stack did not create it', { resource });
    return;
  }
  if (config.guardDuty.onDelete !== 'Delete') {
    ctx.log.info('retained: GuardDutyOnDelete is Retain (keeps the findings history)', { resource });
    return;
  }
  try {
    await ctx.clients.guardduty.send(new DeleteDetectorCommand({ DetectorId: detectorId }));
    ctx.log.info('deleted', { resource });
  } catch (err) {
    if (!(isAwsError(err, BAD_REQUEST) && (await isGone(detectorId, ctx)))) throw err;
    ctx.log.info('already gone', { resource });
  }
}

async function inspectDetector(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentStatus> {
  const detectorId = await findDetector(ctx);
  if (!detectorId) return { state: 'absent' };
  const detector = await getDetector(detectorId, ctx);
  const details = {
    detectorId,
    status: detector.Status,
    findingPublishingFrequency: detector.FindingPublishingFrequency,
    createdByThisStack: detector.Tags?.[TAG_STACK] === ctx.stackId,
  };
  const differences: string[] = [];
  if (detector.Status !== 'ENABLED') differences.push(`detector is ${detector.Status ?? 'unknown'}`);
  if (detector.FindingPublishingFrequency !== config.guardDuty.findingFrequency) {
    differences.push(`finding publishing frequency is ${detector.FindingPublishingFrequency ?? 'unknown'}, wanted ${config.guardDuty.findingFrequency}`);
  }
  return differences.length > 0 ? { state: 'drifted', details: { ...details, differences } } : { state: 'present', details };
}

/** The region's detector id; there is at most one. */
async function findDetector(ctx: PipelineContext): Promise<string | undefined> {
  return (await listDetectorIds(ctx))[0];
}

/** Every detector id of the region, reading every page. */
async function listDetectorIds(ctx: PipelineContext): Promise<string[]> {
  const ids: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ctx.clients.guardduty.send(new ListDetectorsCommand(NextToken ? { NextToken } : {}));
    ids.push(...(page.DetectorIds ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return ids;
}

function getDetector(detectorId: string, ctx: PipelineContext): Promise<GetDetectorCommandOutput> {
  return ctx.clients.guardduty.send(new GetDetectorCommand({ DetectorId: detectorId }));
}

/** GuardDuty has no "not found" error: a BadRequest on a detector we listed means gone only if it no longer lists. */
async function isGone(detectorId: string, ctx: PipelineContext): Promise<boolean> {
  return !(await listDetectorIds(ctx)).includes(detectorId);
}

function isAlreadyExists(err: unknown): boolean {
  return isAwsError(err, BAD_REQUEST) && /already exists/i.test((err as Error).message);
}
