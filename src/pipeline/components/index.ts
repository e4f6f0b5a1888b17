import type { Component } from '../component';

/** Every component of the pipeline, in a stable order (the engine orders by dependencies). */
export function defaultComponents(): Component[] {
  return [];
}
