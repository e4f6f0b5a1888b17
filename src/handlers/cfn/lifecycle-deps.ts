import type { AwsClients } from '../../aws/clients';
import { stackIdentity } from '../../engine/stack-identity';
import { STACK_ID_ENV, stackRequestGuard } from './request-guard';
import { buildContext, regionalClients, type ContextOptions } from '../../engine/context-from-env';
import type { Component } from '../../components/component';
import { defaultComponents } from '../../sources/registry';
import { PipelineEngine } from '../../engine/engine';
import type { LifecycleDeps } from './lifecycle';

export { BOUNDARY_ENV } from '../../engine/context-from-env';

export interface RuntimeOptions extends ContextOptions {
  components?: readonly Component[];
}

/** Wires engine, clients and context for the custom resource from the Lambda environment. */
export function createLifecycleDeps(opts: RuntimeOptions): LifecycleDeps {
  const engine = new PipelineEngine(opts.components ?? defaultComponents());
  const shared = regionalClients(opts);
  // A request with a deadline gets its own clients, which refuse every call once the deadline has passed.
  const perRequest = new WeakMap<AbortSignal, (region: string) => AwsClients>();
  const clientsFor = (region: string, signal?: AbortSignal): AwsClients => {
    if (!signal || opts.clients) return shared(region);
    let forSignal = perRequest.get(signal);
    if (!forSignal) {
      forSignal = regionalClients({ clientOptions: { ...opts.clientOptions, signal } });
      perRequest.set(signal, forSignal);
    }
    return forSignal(region);
  };
  const ownStackId = opts.env[STACK_ID_ENV] || undefined;
  const guard = stackRequestGuard(ownStackId, () => shared(stackIdentity({ StackId: ownStackId ?? '' }).region).cloudformation);
  return {
    engine,
    guard,
    contextFor: (config, identity, log, signal) => ({
      ...buildContext(opts, clientsFor(identity.region, signal), config, identity, log),
      ...(signal ? { signal } : {}),
    }),
  };
}
