import { componentsOf } from '../../sources/registry';
import type { Component } from '../component';

/**
 * Every component of the pipeline, in a stable order (the engine orders by dependencies): the components of
 * the registry's modules, with the shared delivery roles enabled by what the enabled sources need.
 */
export function defaultComponents(): Component[] {
  return componentsOf();
}
