import { auditPipeline, classify } from '../audit';
import { regionalPipeline } from '../pipeline-context';
import type { Session } from '../session';
import type { PipelineTarget } from '../target';

/**
 * What of the pipeline is still there after its stack is gone: the audit with every component unwanted.
 * An account-wide GuardDuty detector that was adopted (or kept by GuardDutyOnDelete=Retain) is not a leftover.
 */
export async function leftovers(session: Session, target: PipelineTarget): Promise<string[]> {
  const p = await regionalPipeline(session, target);
  // event-sources reports rules its config wants as drift even when none exists: ask it about none.
  const config = { ...p.config, eventSources: [] };
  const report = await auditPipeline(config, p.ctx, session.engine);
  return report.components.flatMap((e) => {
    if (e.state === 'error') return [`${e.id}: could not be checked (${e.error ?? ''})`];
    const { result } = classify(e.id, false, { state: e.state, ...(e.details ? { details: e.details } : {}) }, config);
    return result === 'ok' ? [] : [`${e.id}: ${e.state}`];
  });
}
