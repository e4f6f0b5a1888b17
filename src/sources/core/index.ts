import { streamComponent } from './stream/kinesis-stream';
import { siemRoleComponent } from './siem-access/siem-role';
import { siemUserComponent } from './siem-access/siem-user';
import type { SourceModule } from '../types';
import { operationsParameters } from './operations';
import { coreParameters } from './parameters';

/** The pipeline itself: the stream and the SIEM's reader (an IAM user with a kept key, or a role). */
export const coreModule: SourceModule = {
  ...coreParameters,
  components: [streamComponent, siemUserComponent, siemRoleComponent],
  auditChecks: [streamComponent.id, siemUserComponent.id, siemRoleComponent.id],
  // The core writes no records of its own.
  streams: () => [],
};

/** The stack's own settings (log retention, function logs): no components, no records. */
export const operationsModule: SourceModule = {
  ...operationsParameters,
  components: [],
  auditChecks: [],
  streams: () => [],
};
