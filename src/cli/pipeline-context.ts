import type { StackIdentity } from '../engine/stack-identity';
import type { PipelineConfig } from '../config/pipeline-config';
import { buildContext } from '../engine/context-from-env';
import type { PipelineContext } from '../components/context';
import { trailHomeElsewhere, withTrailHome } from '../engine/trail-home';
import type { Session } from './session';
import type { PipelineTarget } from './target';

/** A pipeline's config and context in one region, as the custom resource would see them there. */
export interface RegionalPipeline {
  config: PipelineConfig;
  ctx: PipelineContext;
  /** Set when an empty TrailHomeRegion resolves to another region's trail (this region skips CloudTrail). */
  trailHome?: string;
}

/**
 * Builds the context for `target` (read-only unless `write`, which needs the stack's boundaries) and resolves an
 * empty TrailHomeRegion as the custom resource does, so a region that is not the trail's home never reports
 * the trail as absent.
 */
export async function regionalPipeline(
  session: Session,
  target: PipelineTarget,
  opts: { write?: boolean; identity?: StackIdentity } = {},
): Promise<RegionalPipeline> {
  const identity = opts.identity ?? target.identity;
  const clients = session.clientsFor(identity.region);
  const base = buildContext({ env: target.env, readOnly: !opts.write, clock: session.clock }, clients, target.config, identity, session.log);
  const home = await trailHomeElsewhere(target.config, base);
  const config = withTrailHome(target.config, home);
  return { config, ctx: base, ...(home !== undefined ? { trailHome: home } : {}) };
}
