import type { PipelineConfig } from '../../../config/pipeline-config';
import type { PipelineContext } from '../../../components/context';
import { crossAccountTrustPolicy, streamReaderPolicy, type PolicyDocument } from '../../../components/policies';
import { serviceRoleComponent } from '../../../components/iam/service-role';

/**
 * SIEM read access by role: an account the SIEM runs in assumes this role with an ExternalId and may
 * only read the stream. No long-lived key exists. The ExternalId is never logged.
 */
export const siemRoleComponent = serviceRoleComponent({
  id: 'siem-role',
  roleName: (ctx) => ctx.names.siemRole,
  enabled: (config) => config.siemAccess.kind === 'CrossAccountRole',
  trust: trustPolicy,
  policy: (_config, ctx) => streamReaderPolicy(ctx.names.streamArn),
  description: (ctx) => `SIEM read access to Kinesis stream ${ctx.names.streamName}`,
  outputKey: 'ReaderRoleArn',
  policyLabel: 'reader policy',
  unwantedReason: (config) => `not wanted: SiemAccess is ${config.siemAccess.kind}`,
  boundary: 'reader',
});

function trustPolicy(config: PipelineConfig, ctx: PipelineContext): PolicyDocument {
  if (config.siemAccess.kind !== 'CrossAccountRole') throw new Error('siem-role needs SiemAccess CrossAccountRole');
  const { trustedAccountId, externalId } = config.siemAccess;
  return crossAccountTrustPolicy({ partition: ctx.partition, trustedAccountId, externalId });
}
