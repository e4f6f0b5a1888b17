import type { Component, ComponentId } from '../components/component';
import { deliveryRoles, eventsRoleComponent, flowLogsRoleComponent, logsRoleComponent, trailRoleComponent } from './delivery-roles';
import { cloudTrailModule } from './cloudtrail';
import { coreModule, operationsModule } from './core';
import { eventSourcesModule } from './event-sources';
import { flowLogsModule } from './flow-logs';
import { guardDutyModule } from './guardduty';
import type { RecordScope, RecordStream, SourceModule } from './types';
import type { StreamRecord } from './records';

/**
 * Every module of the pipeline, core first and the stack's own settings last: the one list that the
 * components, the audit, the record matching and (through parameters.ts) the config parser, the template and
 * the README's parameter table derive from.
 */
export const SOURCES: readonly SourceModule[] = [coreModule, cloudTrailModule, flowLogsModule, guardDutyModule, eventSourcesModule, operationsModule];

/** Components several sources use: each is enabled when some module needs it, never by its own list of sources. */
export const SHARED_COMPONENTS: readonly Component[] = [logsRoleComponent, eventsRoleComponent, flowLogsRoleComponent, trailRoleComponent];

/**
 * The components of `modules` in a stable order (the engine orders by dependencies): the first module's
 * (the core's), the delivery roles the modules share (each enabled when one of these modules needs it, and the
 * logs role trusting the groups these modules name), then each source's.
 */
export function componentsOf(modules: readonly SourceModule[] = SOURCES): Component[] {
  const [first, ...rest] = modules;
  return [...(first?.components ?? []), ...deliveryRoles(modules), ...rest.flatMap((m) => m.components)];
}

/**
 * Every component of the pipeline, in a stable order (the engine orders by dependencies): the components of
 * the registry's modules, with the shared delivery roles enabled by what the enabled sources need.
 */
export function defaultComponents(): Component[] {
  return componentsOf();
}

/** The components `audit` checks, by module. */
export function auditChecksOf(modules: readonly SourceModule[] = SOURCES): Record<string, readonly ComponentId[]> {
  return Object.fromEntries(modules.map((m) => [m.id, m.auditChecks]));
}

/** Every stream of records of the modules, in registry order: the rows the CLI's verify counts. */
export function recordStreamsOf(scope: RecordScope, modules: readonly SourceModule[] = SOURCES): RecordStream[] {
  return modules.flatMap((m) => m.streams(scope));
}

/** The module a decoded stream record came from, if any. */
export function sourceOfRecord(record: StreamRecord, scope: RecordScope, modules: readonly SourceModule[] = SOURCES): SourceModule | undefined {
  return modules.find((m) => m.streams(scope).some((s) => s.matches(record)));
}
