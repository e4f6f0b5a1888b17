import { createHash } from 'node:crypto';
import { ListTagsForResourceCommand, TagResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import { isAwsError, NOT_FOUND } from '../../support/errors';
import { normalizeFormat, type DesiredFlowLog } from './flow-log-plan';
import type { PipelineContext } from '../../components/context';

/**
 * Tag on the pipeline's flow-log group (which the pipeline creates and owns) recording the flow-log settings the
 * provisioner last applied. It is the one source of truth: the enroller writes only while its own settings
 * (from its environment, which a stack update changes at its own moment) match it, so an enroller with stale
 * settings never re-creates a flow log the provisioner just made.
 */
export const SETTINGS_TAG = 'siem-pipeline:flow-log-settings';

/** What the enroller may do, from the flow-log group's settings tag. */
export type SettingsGate =
  /** The group does not exist: the stack is being created or deleted. */
  | { state: 'no-group' }
  /** The recorded settings are the enroller's own (or none are recorded yet, by a version before the tag). */
  | { state: 'current'; recorded?: string }
  /** The provisioner recorded other settings: the enroller's environment is stale (or ahead, mid-update). */
  | { state: 'stale'; recorded: string; own: string };

/**
 * The tag value for a set of settings: `<traffic type>/<interval>/<12 hex of the format's SHA-256>`; a tag value
 * is at most 256 characters and a custom format can be longer, so the format is recorded by its hash.
 */
export function settingsKey(desired: DesiredFlowLog): string {
  const format = createHash('sha256').update(normalizeFormat(desired.logFormat)).digest('hex').slice(0, 12);
  return `${desired.trafficType}/${desired.maxAggregationInterval}/${format}`;
}

/** Records the settings on the flow-log group (TagResource, one call): done by the provisioner before it enrolls. */
export async function recordSettings(desired: DesiredFlowLog, ctx: PipelineContext): Promise<void> {
  const resourceArn = ctx.names.logGroupArn(ctx.names.flowLogGroup);
  await ctx.clients.logs.send(new TagResourceCommand({ resourceArn, tags: { [SETTINGS_TAG]: settingsKey(desired) } }));
}

/** Reads the recorded settings (ListTagsForResource, one call) and compares them with the enroller's own. */
export async function settingsGate(desired: DesiredFlowLog, ctx: PipelineContext): Promise<SettingsGate> {
  const resourceArn = ctx.names.logGroupArn(ctx.names.flowLogGroup);
  let tags: Record<string, string> | undefined;
  try {
    tags = (await ctx.clients.logs.send(new ListTagsForResourceCommand({ resourceArn }))).tags;
  } catch (err) {
    if (isAwsError(err, NOT_FOUND)) return { state: 'no-group' };
    throw err;
  }
  const recorded = tags?.[SETTINGS_TAG];
  const own = settingsKey(desired);
  if (recorded === undefined) return { state: 'current' };
  return recorded === own ? { state: 'current', recorded } : { state: 'stale', recorded, own };
}
