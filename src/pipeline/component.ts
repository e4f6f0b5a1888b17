import type { PipelineConfig } from '../config/pipeline-config';
import type { PipelineContext } from './context';

export type ComponentId = string;

/** Values a component reports after ensure; merged into the custom resource's Data (never secrets). */
export type ComponentOutputs = Record<string, string>;

/** What inspect found: read-only, for audit, drift repair and tests. */
export interface ComponentStatus {
  /** present: as desired; drifted: exists but differs; absent: nothing of ours. */
  state: 'present' | 'drifted' | 'absent';
  details?: Record<string, unknown>;
}

/**
 * One part of the pipeline. `ensure` converges and is safe to repeat; `remove` deletes only what we own
 * and treats "not found" as done; `inspect` never writes.
 */
export interface Component {
  readonly id: ComponentId;
  /** Components whose ensure must finish before this one's starts (and whose remove waits for this one's). */
  readonly dependsOn: readonly ComponentId[];
  /** Whether the config asks for this component at all. */
  enabled(config: PipelineConfig, ctx: PipelineContext): boolean;
  /**
   * True when an Update from `before` to `after` points this component at a different resource it cannot
   * converge (e.g. another log group to subscribe): the old one is removed with the old config first.
   */
  replacedWhen?(before: PipelineConfig, after: PipelineConfig): boolean;
  ensure(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentOutputs>;
  remove(config: PipelineConfig, ctx: PipelineContext): Promise<void>;
  inspect(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentStatus>;
  /** Runs after the whole request succeeded: clears marks that say "made by a request still in flight". */
  commit?(config: PipelineConfig, ctx: PipelineContext): Promise<void>;
  /**
   * Ensure may take over what the stack's previous pipeline name used (a rename): when the replacement
   * fails, its cleanup re-ensures this component with the old config so the live pipeline is whole again.
   */
  readonly sharedAcrossRename?: boolean;
}
