import type { PipelineConfig } from '../../config/pipeline-config';
import type { ParameterReader } from '../parameter-reader';
import type { ModuleParameters, ParameterSpec } from '../types';

declare module '../../config/pipeline-config' {
  /** This module's slice of the config (see PipelineConfig). */
  interface PipelineConfig {
    /** Extra EventBridge sources (aws.securityhub, ...) routed to the stream. */
    eventSources: string[];
  }
}

const EVENT_SOURCE_PATTERN = /^aws\.[a-z0-9-]+(\.[a-z0-9-]+)*$/;
const MAX_SOURCES = 20;

const ExtraEventSources: ParameterSpec = {
  name: 'ExtraEventSources',
  rule: {
    kind: 'list',
    item: EVENT_SOURCE_PATTERN,
    rule: 'comma-separated EventBridge sources such as aws.securityhub, aws.access-analyzer, aws.health',
  },
  default: '',
  targets: ['pipeline'],
};

/** Extra EventBridge sources: one rule per source, each delivering to the stream. */
export const eventSourceParameters: ModuleParameters = {
  id: 'event-sources',
  parameters: [ExtraEventSources],
  parse: (read: ParameterReader): Pick<PipelineConfig, 'eventSources'> => {
    // aws.guardduty has its own rule (EnableGuardDuty): listed here too it would be delivered twice.
    const eventSources = read.list(ExtraEventSources).filter((s) => s !== 'aws.guardduty');
    read.require(eventSources.length <= MAX_SOURCES, `ExtraEventSources allows at most ${MAX_SOURCES} sources`);
    return { eventSources };
  },
  needs: (config) => (config.eventSources.length > 0 ? ['events-role'] : []),
};
