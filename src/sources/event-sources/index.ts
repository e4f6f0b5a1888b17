import { notInLambda } from '../../components/component';
import { eventSourcesComponent } from '../../components/events/event-sources';
import type { SourceModule } from '../types';
import { eventSourceParameters } from './parameters';

/** Extra EventBridge sources (aws.securityhub, aws.health, ...): one rule per source into the stream. */
export const eventSourcesModule: SourceModule = {
  ...eventSourceParameters,
  title: 'Other EventBridge sources',
  components: [eventSourcesComponent],
  auditChecks: [eventSourcesComponent.id],
  matches: process.env.SIEM_LAMBDA_BUNDLE ? notInLambda : (record, { config }) => record.kind === 'event' && config.eventSources.includes(record.source),
};
