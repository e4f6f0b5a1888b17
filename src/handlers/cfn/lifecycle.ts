import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import type { RequestGuard } from './request-guard';
import { physicalResourceId, pipelineNameFromId, rejectedPhysicalId, stackIdentity, type StackIdentity } from '../../engine/stack-identity';
import { RequestFailedError, type RequestResult } from './safe-handler';
import { type PipelineConfig } from '../../config/pipeline-config';
import { parseConfig } from '../../sources/parse';
import { describeError } from '../../support/errors';
import type { Logger } from '../../support/log';
import type { PipelineContext } from '../../components/context';
import type { PipelineEngine } from '../../engine/engine';
import { planPipeline, type PipelinePlan } from '../../engine/plan';
import { validateBeforeWrite } from '../../engine/preflight';
import { trailHomeElsewhere, withTrailHome } from '../../engine/trail-home';

export interface LifecycleDeps {
  engine: PipelineEngine;
  /** Builds the context for one pipeline (names, tags, clients) in this stack's account and region. */
  contextFor(config: PipelineConfig, identity: StackIdentity, log: Logger, signal?: AbortSignal): PipelineContext;
  /** Refuses requests CloudFormation did not send for this function's own stack. */
  guard: RequestGuard;
  /** The home region of our multi-region trail when another region manages it (default: trailHomeElsewhere). */
  trailHome?(config: PipelineConfig, ctx: PipelineContext): Promise<string | undefined>;
  /** Read-only checks before the first write of a Create or Update (default: validateBeforeWrite). */
  preflight?(config: PipelineConfig, ctx: PipelineContext): Promise<void>;
}

/**
 * Dispatches a custom resource request by type: Create and Update converge, Delete removes.
 * A request for another stack is refused at once; the stack's status is checked before the first AWS call
 * (after the pure checks, so a request that can only fail costs no call).
 */
export async function handleRequest(event: CloudFormationCustomResourceEvent, deps: LifecycleDeps, log: Logger, signal?: AbortSignal): Promise<RequestResult> {
  await refuseUnless(event, () => deps.guard.checkStack(event), log);
  const identity = stackIdentity(event);
  const scoped: Required<LifecycleDeps> = {
    engine: deps.engine,
    guard: deps.guard,
    contextFor: (c, i, l) => deps.contextFor(c, i, l, signal),
    trailHome: deps.trailHome ?? trailHomeElsewhere,
    preflight: deps.preflight ?? validateBeforeWrite,
  };
  switch (event.RequestType) {
    case 'Create':
      return onCreate(event, identity, scoped, log);
    case 'Update':
      return onUpdate(event, identity, scoped, log);
    case 'Delete':
      return onDelete(event, identity, scoped, log);
  }
}

function outputs(config: PipelineConfig, identity: StackIdentity, fromComponents: Record<string, string>): Record<string, string> {
  return { PipelineName: config.name, Region: identity.region, SecretArn: '', ReaderRoleArn: '', ...fromComponents };
}

async function onCreate(
  event: CloudFormationCustomResourceCreateEvent,
  identity: StackIdentity,
  deps: Required<LifecycleDeps>,
  log: Logger,
): Promise<RequestResult> {
  let config = parseOrFail(event.ResourceProperties, rejectedPhysicalId(event));
  await admit(event, deps, log);
  const id = physicalResourceId(identity, config.name);
  let ctx: PipelineContext;
  let plan: PipelinePlan;
  try {
    ctx = deps.contextFor(config, identity, log);
    // The trail-home lookup is the first of the read-only checks before the first write.
    config = withTrailHome(config, await deps.trailHome(config, ctx));
    plan = planPipeline(deps.engine.ids, { type: 'Create', enabled: deps.engine.enabledIds(config, ctx) });
    await deps.preflight(config, ctx);
  } catch (err) {
    // Nothing was made yet: the rejected id lets the following Delete succeed without a context.
    throw new RequestFailedError(rejectedPhysicalId(event), err);
  }
  // A failed Create is followed by CloudFormation's Delete of this id, which removes what was made.
  return failingAs(id, () => converge(deps, identity, plan, config, ctx, id));
}

async function onUpdate(
  event: CloudFormationCustomResourceUpdateEvent,
  identity: StackIdentity,
  deps: Required<LifecycleDeps>,
  log: Logger,
): Promise<RequestResult> {
  const oldId = event.PhysicalResourceId;
  const parsed = parseOrFail(event.ResourceProperties, oldId);
  await admit(event, deps, log);
  const newId = physicalResourceId(identity, parsed.name);
  const ctx = deps.contextFor(parsed, identity, log);
  const trailHome = await failingAs(oldId, () => deps.trailHome(parsed, ctx));
  const config = withTrailHome(parsed, trailHome);
  const enabled = deps.engine.enabledIds(config, ctx);
  const previous = previousState(event.OldResourceProperties, identity, deps, log);
  // The trail's home, once found, holds for the old settings of the same pipeline too: nothing of CloudTrail was made here.
  if (previous && newId === oldId) previous.config = withTrailHome(previous.config, trailHome);
  await failingAs(oldId, () => deps.preflight(config, ctx));

  if (newId !== oldId) {
    // A new PipelineName renames everything: build the new pipeline; CloudFormation then deletes the old id.
    log.info('pipeline name changed: replacement', { oldPhysicalResourceId: oldId, physicalResourceId: newId });
    try {
      return await converge(deps, identity, planPipeline(deps.engine.ids, { type: 'Create', enabled }), config, ctx, newId);
    } catch (err) {
      // CloudFormation keeps the old resource and never deletes a replacement that failed: clean it up here,
      // then give the old pipeline back what the new one took over (a reused group's filter slot).
      await cleanUpFailedReplacement(config, ctx, previous, deps, log);
      throw new RequestFailedError(oldId, err);
    }
  }

  const oldEnabled = previous ? deps.engine.enabledIds(previous.config, previous.ctx) : new Set(deps.engine.ids);
  const replaced = previous ? deps.engine.replacedIds(previous.config, config) : new Set<string>();
  const plan = planPipeline(deps.engine.ids, { type: 'Update', oldEnabled, enabled, replaced });
  return failingAs(oldId, () => converge(deps, identity, plan, config, ctx, oldId, previous));
}

async function onDelete(event: CloudFormationCustomResourceDeleteEvent, identity: StackIdentity, deps: LifecycleDeps, log: Logger): Promise<RequestResult> {
  const id = event.PhysicalResourceId;
  const name = pipelineNameFromId(id, identity);
  if (name === undefined) {
    log.info('nothing to delete: the physical id is not a pipeline of this account and region', { physicalResourceId: id });
    return { physicalResourceId: id };
  }
  await admit(event, deps, log);
  const config = configForDelete(event.ResourceProperties, name, log);
  const ctx = deps.contextFor(config, identity, log);
  await failingAs(id, () => deps.engine.apply(planPipeline(deps.engine.ids, { type: 'Delete' }), config, ctx));
  return { physicalResourceId: id };
}

/** Runs one step of a request; its failure fails the request, which then reports `physicalId`. */
async function failingAs<T>(physicalId: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    throw new RequestFailedError(physicalId, err);
  }
}

/** Applies the plan and, once it succeeded, commits: the request's result, reporting `physicalId`. */
async function converge(
  deps: Required<LifecycleDeps>,
  identity: StackIdentity,
  plan: PipelinePlan,
  config: PipelineConfig,
  ctx: PipelineContext,
  physicalId: string,
  previous?: { config: PipelineConfig; ctx: PipelineContext },
): Promise<RequestResult> {
  const made = await deps.engine.apply(plan, config, ctx, previous);
  await deps.engine.commitAll(config, ctx);
  return { physicalResourceId: physicalId, data: outputs(config, identity, made) };
}

/** The id a refused request reports: never a pipeline's id for a Create, so no Delete follows that could remove one. */
function refusedId(event: CloudFormationCustomResourceEvent): string {
  return event.RequestType === 'Create' ? rejectedPhysicalId(event) : event.PhysicalResourceId;
}

/** Runs one guard check; a refusal is logged with its reason and answered FAILED. */
async function refuseUnless(event: CloudFormationCustomResourceEvent, check: () => void | Promise<void>, log: Logger): Promise<void> {
  try {
    await check();
  } catch (err) {
    log.warn('request refused', { reason: describeError(err) });
    throw new RequestFailedError(refusedId(event), err);
  }
}

function admit(event: CloudFormationCustomResourceEvent, deps: LifecycleDeps, log: Logger): Promise<void> {
  return refuseUnless(event, () => deps.guard.checkStatus(event), log);
}

/**
 * Removes what a failed rename made (the detector is handed back, not deleted: see guardduty.ts), then
 * re-ensures with the old config the components the new pipeline may have taken over from the old one.
 * Failures are logged: the request fails anyway, and CloudFormation's rollback Update converges again.
 */
async function cleanUpFailedReplacement(
  config: PipelineConfig,
  ctx: PipelineContext,
  previous: { config: PipelineConfig; ctx: PipelineContext } | undefined,
  deps: LifecycleDeps,
  log: Logger,
): Promise<void> {
  try {
    await deps.engine.removeAll(deps.engine.ids, config, ctx);
    if (previous) await deps.engine.ensureAll(deps.engine.sharedAcrossRenameIds(previous.config, previous.ctx), previous.config, previous.ctx);
  } catch (cleanup) {
    log.error('cleanup of the failed replacement failed', { error: describeError(cleanup) });
  }
}

/**
 * The PhysicalResourceId a Create reports when it cannot finish (timeout guard, crash): the deterministic id
 * when the properties parse, so CloudFormation's following Delete removes whatever the Create made;
 * the rejected id otherwise (nothing was made).
 */
export function createPhysicalId(event: CloudFormationCustomResourceEvent): string {
  try {
    return physicalResourceId(stackIdentity(event), parseConfig(event.ResourceProperties).name);
  } catch {
    return rejectedPhysicalId(event);
  }
}

function parseOrFail(props: Record<string, unknown> | undefined, physicalId: string): PipelineConfig {
  try {
    return parseConfig(props);
  } catch (err) {
    throw new RequestFailedError(physicalId, err);
  }
}

/**
 * Delete must work even when the stored properties no longer parse (for example after a stricter
 * validation in a newer version): the name in the physical id is enough to find everything we own.
 */
function configForDelete(props: Record<string, unknown> | undefined, name: string, log: Logger): PipelineConfig {
  try {
    const config = parseConfig(props);
    if (config.name === name) return config;
  } catch (err) {
    log.warn('stored properties do not parse; deleting by name with default settings', { error: describeError(err) });
  }
  return parseConfig({ PipelineName: name });
}

/**
 * The config (and its context) the old properties describe, or undefined when they no longer parse: then
 * every component counts as previously enabled (removing what does not exist is safe).
 */
function previousState(
  props: Record<string, unknown> | undefined,
  identity: StackIdentity,
  deps: LifecycleDeps,
  log: Logger,
): { config: PipelineConfig; ctx: PipelineContext } | undefined {
  try {
    const config = parseConfig(props);
    return { config, ctx: deps.contextFor(config, identity, log) };
  } catch (err) {
    log.warn('old properties do not parse; treating every component as previously enabled', { error: describeError(err) });
    return undefined;
  }
}
