import type { Component } from '../component';
import { streamComponent } from './kinesis-stream';
import { siemRoleComponent } from './siem-role';
import { siemUserComponent } from './siem-user';

/** Every component of the pipeline, in a stable order (the engine orders by dependencies). */
export function defaultComponents(): Component[] {
  return [streamComponent, siemUserComponent, siemRoleComponent];
}
