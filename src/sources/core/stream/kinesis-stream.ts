import {
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  StartStreamEncryptionCommand,
  UpdateShardCountCommand,
  UpdateStreamModeCommand,
  type KinesisClient,
  type StreamDescriptionSummary,
} from '@aws-sdk/client-kinesis';
import { checkExceptions, createWaiter, WaiterState, type WaiterResult } from '@smithy/core/client';
import type { PipelineConfig } from '../../../config/pipeline-config';
import { isAwsError, NOT_FOUND, OwnershipConflictError } from '../../../support/errors';
import { defineComponent, type Change, type Component, type ComponentOutputs } from '../../../components/component';
import type { PipelineContext } from '../../../components/context';
import { alreadyGone, deleteIgnoringNotFound, logResource, orUndefinedWhenNotFound, ownedOrLeftAlone, ownershipConflict } from '../../../components/ownership';
import { streamOwnerTags, streamOwnershipTags, streamTags } from '../../../components/stream-tags';
import { diffStream, type DesiredStream, type StreamAction, type StreamState } from './stream-plan';

/** The KMS key Kinesis manages for itself: server-side encryption with it needs no extra IAM. */
export const STREAM_KMS_KEY = 'alias/aws/kinesis';

/** What read finds: the stream's summary (undefined when absent) and, unless it is being deleted, its tags. */
export interface StreamFound {
  summary?: StreamDescriptionSummary;
  tags?: Record<string, string>;
}

/** The stream the config asks for: its name, this stack as its owner, and its settings. */
export interface StreamWanted {
  name: string;
  stackId: string;
  settings: DesiredStream;
}

/** One step of ensure on the stream: create it, or converge one setting. */
export type StreamStep = 'create' | StreamAction[];

/**
 * The Kinesis data stream every source delivers to and the SIEM reads from.
 * Created once, then converged in place on every run (mode, shards, retention, encryption).
 */
export const streamComponent: Component = defineComponent(
  { id: 'stream', dependsOn: [], enabled: () => true, remove: removeStream },
  {
    read: (_config, ctx) => readStream(ctx),
    desired: wantedStream,
    diff: diffStreamFound,
    apply: applyStream,
    details: process.env.SIEM_LAMBDA_BUNDLE ? undefined : ({ summary }) => ({ status: summary?.StreamStatus, streamArn: summary?.StreamARN }),
  },
);

function wantedStream(config: PipelineConfig, ctx: PipelineContext): StreamWanted {
  return { name: ctx.names.streamName, stackId: ctx.stackId, settings: config.stream };
}

async function readStream(ctx: PipelineContext): Promise<StreamFound> {
  const summary = await describeStreamSummary(ctx);
  if (!summary || summary.StreamStatus === 'DELETING') return summary ? { summary } : {};
  const tags = await streamTags(ctx);
  return tags ? { summary, tags } : {};
}

/**
 * Pure: a missing (or departing) stream is created; one that is not ours is a conflict; else one update per
 * differing setting.
 */
export function diffStreamFound({ summary, tags }: StreamFound, wanted: StreamWanted): Change<StreamStep>[] {
  const resource = `Kinesis stream ${wanted.name}`;
  if (!summary || !tags) {
    const deleting = summary?.StreamStatus === 'DELETING';
    return [{ kind: 'create', resource, description: deleting ? 'wait for its deletion to end, then create' : 'create', action: 'create' }];
  }
  const conflict = ownershipConflict(resource, streamOwnershipTags(tags, wanted.stackId), wanted);
  if (conflict) return [{ kind: 'conflict', resource, description: conflict }];
  return diffStream(resource, stateOf(summary), wanted.settings);
}

/**
 * Creates the stream when the diff says so (after waiting out a deletion) and converges it; a stream just
 * created or still busy (CREATING, UPDATING) is waited for, read and diffed again first.
 */
async function applyStream(changes: Change<StreamStep>[], config: PipelineConfig, ctx: PipelineContext, current: StreamFound): Promise<ComponentOutputs> {
  const StreamName = ctx.names.streamName;
  let summary = current.summary;
  const create = changes.some((c) => c.kind === 'create');
  if (create) {
    if (summary?.StreamStatus === 'DELETING') {
      // Our own earlier Delete (or a replacement's cleanup) is still running: a name cannot be reused before it ends.
      ctx.log.info('stream is being deleted; waiting before re-creating it', { stream: StreamName });
      await waitForDeletion(ctx);
    }
    await createStream(config, ctx);
  }
  if (create || summary?.StreamStatus !== 'ACTIVE') {
    await waitForActive(ctx);
    const again = await readStream(ctx);
    if (!again.summary || !again.tags) throw new Error(`stream ${StreamName} disappeared while waiting for it to become ACTIVE`);
    changes = diffStreamFound(again, wantedStream(config, ctx));
    const conflict = changes.find((c) => c.kind === 'conflict');
    if (conflict) throw new OwnershipConflictError(conflict.description);
    summary = again.summary;
  }
  const streamArn = summary?.StreamARN ?? ctx.names.streamArn;
  for (const action of changes.flatMap((c) => (Array.isArray(c.action) ? c.action : []))) {
    ctx.log.info('stream change', { stream: StreamName, action });
    await applyAction(action, streamArn, ctx);
    // Every change leaves the stream UPDATING, and Kinesis refuses the next one until it is ACTIVE again.
    await waitForActive(ctx);
  }
  return { StreamName, StreamArn: streamArn };
}

async function removeStream(_config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  const StreamName = ctx.names.streamName;
  const what = `Kinesis stream ${StreamName}`;
  const summary = await describeStreamSummary(ctx);
  if (!summary || summary.StreamStatus === 'DELETING') {
    alreadyGone(ctx, what);
    if (summary) await waitForDeletion(ctx);
    return;
  }
  // DeleteStream needs an ACTIVE stream: a failed Create may have left it CREATING or UPDATING.
  if (summary.StreamStatus !== 'ACTIVE') await waitForActive(ctx);
  const tags = await streamTags(ctx);
  if (!ownedOrLeftAlone(what, tags && streamOwnershipTags(tags, ctx.stackId), ctx)) return;
  // EnforceConsumerDeletion: registered enhanced fan-out consumers would otherwise block the delete.
  const del = () => ctx.clients.kinesis.send(new DeleteStreamCommand({ StreamName, EnforceConsumerDeletion: true }));
  if (await deleteIgnoringNotFound(ctx, what, del, [NOT_FOUND])) await waitForDeletion(ctx);
}

/** The stream's summary, or undefined when it does not exist. */
export async function describeStreamSummary(ctx: PipelineContext): Promise<StreamDescriptionSummary | undefined> {
  const describe = () => ctx.clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: ctx.names.streamName }));
  return (await orUndefinedWhenNotFound(describe, NOT_FOUND))?.StreamDescriptionSummary;
}

async function createStream(config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  const { mode, shardCount } = config.stream;
  try {
    await ctx.clients.kinesis.send(
      new CreateStreamCommand({
        StreamName: ctx.names.streamName,
        ...(mode === 'PROVISIONED' ? { ShardCount: shardCount } : {}),
        StreamModeDetails: { StreamMode: mode },
        Tags: streamOwnerTags(ctx.tags),
      }),
    );
    ctx.log.info('created', { resource: `Kinesis stream ${ctx.names.streamName}`, mode, ...(mode === 'PROVISIONED' ? { shardCount } : {}) });
  } catch (err) {
    // A duplicate delivery of the same request got there first; ownership is checked once it is ACTIVE.
    if (!isAwsError(err, 'ResourceInUseException')) throw err;
    logResource(ctx, 'already exists', `Kinesis stream ${ctx.names.streamName}`);
  }
}

function stateOf(summary: StreamDescriptionSummary): StreamState {
  return {
    // Streams from before on-demand existed report no mode: they are provisioned.
    mode: summary.StreamModeDetails?.StreamMode ?? 'PROVISIONED',
    openShardCount: summary.OpenShardCount ?? 0,
    retentionHours: summary.RetentionPeriodHours ?? 24,
    encryption: summary.EncryptionType ?? 'NONE',
  };
}

async function applyAction(action: StreamAction, streamArn: string, ctx: PipelineContext): Promise<void> {
  const { kinesis } = ctx.clients;
  const StreamName = ctx.names.streamName;
  switch (action.type) {
    case 'UpdateStreamMode':
      await kinesis.send(new UpdateStreamModeCommand({ StreamARN: streamArn, StreamModeDetails: { StreamMode: action.mode } }));
      return;
    case 'UpdateShardCount':
      await kinesis.send(new UpdateShardCountCommand({ StreamName, TargetShardCount: action.to, ScalingType: 'UNIFORM_SCALING' }));
      return;
    case 'IncreaseStreamRetentionPeriod':
      await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName, RetentionPeriodHours: action.hours }));
      return;
    case 'DecreaseStreamRetentionPeriod':
      await kinesis.send(new DecreaseStreamRetentionPeriodCommand({ StreamName, RetentionPeriodHours: action.hours }));
      return;
    case 'StartStreamEncryption':
      await kinesis.send(new StartStreamEncryptionCommand({ StreamName, EncryptionType: 'KMS', KeyId: STREAM_KMS_KEY }));
      return;
  }
}

/**
 * Waits until the stream is ACTIVE (`want: 'ACTIVE'`) or gone (`want: 'GONE'`) with the SDK's waiter machinery.
 * Unlike the generated Kinesis waiters, which poll on through any error until maxWaitTime, an error other
 * than "not found" (AccessDenied, say) ends the wait at once; throttling was already retried by the SDK.
 */
async function waitForStream(ctx: PipelineContext, want: 'ACTIVE' | 'GONE'): Promise<void> {
  const { minDelay, maxDelay, maxWaitTime } = ctx.waits;
  const check = async (client: KinesisClient, input: { StreamName: string }): Promise<WaiterResult> => {
    try {
      // DescribeStream, as the generated waiter polls (its limit is separate from DescribeStreamSummary's).
      const status = (await client.send(new DescribeStreamCommand(input))).StreamDescription?.StreamStatus;
      return { state: want === 'ACTIVE' && status === 'ACTIVE' ? WaiterState.SUCCESS : WaiterState.RETRY, reason: status };
    } catch (err) {
      if (!isAwsError(err, NOT_FOUND)) throw err;
      return { state: want === 'GONE' ? WaiterState.SUCCESS : WaiterState.RETRY, reason: err };
    }
  };
  const result = await createWaiter(
    { client: ctx.clients.kinesis, minDelay, maxDelay, maxWaitTime, ...(ctx.signal ? { abortSignal: ctx.signal } : {}) },
    { StreamName: ctx.names.streamName },
    check,
  );
  checkExceptions(result);
}

async function waitForActive(ctx: PipelineContext): Promise<void> {
  await waitForStream(ctx, 'ACTIVE');
}

async function waitForDeletion(ctx: PipelineContext): Promise<void> {
  await waitForStream(ctx, 'GONE');
}
