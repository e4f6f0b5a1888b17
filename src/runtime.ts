import { buildContext, regionalClients, type ContextOptions } from './context-factory';
import type { Component } from './pipeline/component';
import { defaultComponents } from './pipeline/components';
import { PipelineEngine } from './pipeline/engine';
import type { LifecycleDeps } from './pipeline/lifecycle';

export { BOUNDARY_ENV } from './context-factory';

export interface RuntimeOptions extends ContextOptions {
  components?: readonly Component[];
}

/** Wires engine, clients and context for the custom resource from the Lambda environment. */
export function createLifecycleDeps(opts: RuntimeOptions): LifecycleDeps {
  const engine = new PipelineEngine(opts.components ?? defaultComponents());
  const clientsFor = regionalClients(opts);
  return {
    engine,
    contextFor: (config, identity, log) => buildContext(opts, clientsFor(identity.region), config, identity, log),
  };
}
