import type { PipelineConfig, StreamMode } from '../../../config/pipeline-config';
import { updateOf, type Change } from '../../../components/component';

/** The settings of a live stream that the pipeline manages, as DescribeStreamSummary reports them. */
export interface StreamState {
  mode: StreamMode;
  openShardCount: number;
  retentionHours: number;
  /** `KMS` or `NONE`. */
  encryption: string;
}

/** The stream settings the config asks for. */
export type DesiredStream = PipelineConfig['stream'];

/**
 * One change to a live stream, in the order it must be applied. Each one leaves the stream UPDATING for a
 * while (retention changes too), and the next is refused until it is ACTIVE again.
 */
export type StreamAction =
  | { type: 'UpdateStreamMode'; mode: StreamMode }
  | { type: 'UpdateShardCount'; from: number; to: number }
  | { type: 'IncreaseStreamRetentionPeriod'; hours: number }
  | { type: 'DecreaseStreamRetentionPeriod'; hours: number }
  | { type: 'StartStreamEncryption' };

/** One setting that differs between the live stream and the config. */
export interface StreamDifference {
  setting: 'mode' | 'shardCount' | 'retentionHours' | 'encryption';
  current: string | number;
  desired: string | number;
}

/**
 * Pure planning: the actions that take a live stream to the desired settings, in order.
 *
 * The mode switch comes first: UpdateShardCount is refused on an ON_DEMAND stream, and a stream switched to
 * PROVISIONED keeps the shard count it had, so the shard steps start from `current.openShardCount` either way.
 * Shard changes are split into the steps UpdateShardCount accepts (each at most double and at least half of
 * the count before it).
 */
export function planStreamChanges(current: StreamState, desired: DesiredStream): StreamAction[] {
  const actions: StreamAction[] = [];
  if (current.mode !== desired.mode) actions.push({ type: 'UpdateStreamMode', mode: desired.mode });
  if (desired.mode === 'PROVISIONED') actions.push(...shardSteps(current.openShardCount, desired.shardCount));
  if (desired.retentionHours > current.retentionHours) {
    actions.push({ type: 'IncreaseStreamRetentionPeriod', hours: desired.retentionHours });
  } else if (desired.retentionHours < current.retentionHours) {
    actions.push({ type: 'DecreaseStreamRetentionPeriod', hours: desired.retentionHours });
  }
  if (current.encryption !== 'KMS') actions.push({ type: 'StartStreamEncryption' });
  return actions;
}

/** The UpdateShardCount steps from one count to another (UNIFORM_SCALING limits: x2 up, /2 down per call). */
export function shardSteps(from: number, to: number): StreamAction[] {
  const steps: StreamAction[] = [];
  let count = from;
  while (count !== to) {
    const next = to > count ? Math.min(to, Math.max(1, count * 2)) : Math.max(to, Math.ceil(count / 2));
    steps.push({ type: 'UpdateShardCount', from: count, to: next });
    count = next;
  }
  return steps;
}

/** The settings that differ, for inspect and the logs. */
export function streamDifferences(current: StreamState, desired: DesiredStream): StreamDifference[] {
  const diffs: StreamDifference[] = [];
  if (current.mode !== desired.mode) diffs.push({ setting: 'mode', current: current.mode, desired: desired.mode });
  if (desired.mode === 'PROVISIONED' && current.openShardCount !== desired.shardCount) {
    diffs.push({ setting: 'shardCount', current: current.openShardCount, desired: desired.shardCount });
  }
  if (current.retentionHours !== desired.retentionHours) {
    diffs.push({ setting: 'retentionHours', current: current.retentionHours, desired: desired.retentionHours });
  }
  if (current.encryption !== 'KMS') diffs.push({ setting: 'encryption', current: current.encryption, desired: 'KMS' });
  return diffs;
}

const SETTING_OF: Record<StreamAction['type'], StreamDifference['setting']> = {
  UpdateStreamMode: 'mode',
  UpdateShardCount: 'shardCount',
  IncreaseStreamRetentionPeriod: 'retentionHours',
  DecreaseStreamRetentionPeriod: 'retentionHours',
  StartStreamEncryption: 'encryption',
};

/** Pure diff of a live stream: one update per differing setting, carrying the actions that converge it, in order. */
export function diffStream(resource: string, current: StreamState, desired: DesiredStream): Change<StreamAction[]>[] {
  const actions = planStreamChanges(current, desired);
  return streamDifferences(current, desired).map((d) => ({
    ...updateOf(
      resource,
      d.setting,
      d.current,
      d.desired,
      `${d.setting} ${d.current} -> ${d.desired}`,
      actions.filter((a) => SETTING_OF[a.type] === d.setting),
    ),
    difference: d,
  }));
}
