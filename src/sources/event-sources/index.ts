import { notInLambda } from '../../components/component';
import { eventSourcesComponent } from './event-sources';
import type { SourceModule } from '../types';
import { eventSourceParameters } from './parameters';

/** Extra EventBridge sources (aws.securityhub, aws.health, ...): one rule per source into the stream. */
export const eventSourcesModule: SourceModule = {
  ...eventSourceParameters,
  components: [eventSourcesComponent],
  auditChecks: [eventSourcesComponent.id],
  // One stream per source: each has its own rule, and verify counts each apart.
  streams: process.env.SIEM_LAMBDA_BUNDLE
    ? notInLambda
    : ({ config }) =>
        config.eventSources.map((source) => ({ name: source, expected: true, matches: (record) => record.kind === 'event' && record.source === source })),
};
