import type { CliRequest } from '../args';
import { table } from '../format';
import { regionalPipeline } from '../pipeline-context';
import type { Session } from '../session';
import type { PipelineTarget } from '../target';
import { decodeRecord } from '../verify/decode';
import { DEFAULT_READ_LIMITS, readStream, type ReadLimits } from '../verify/read-stream';
import { recordStreamsOf } from '../../sources/registry';
import { tally, type SourceTally } from '../verify/tally';

/** What `verify` read from the stream and found per source. */
export interface VerifyReport {
  stream: string;
  region: string;
  since: string;
  shards: number;
  records: number;
  /** The read stopped at the record cap before every shard's tip. */
  capped: boolean;
  sources: SourceTally[];
  other: number;
  control: number;
  unreadable: number;
  /** Sources the stack enables here that sent nothing in the window. */
  silent: string[];
}

/** Reads the stream from now - minutes and reports per source; silent expected sources and unreadable records are findings. */
export async function verifyStream(
  session: Session,
  req: Pick<CliRequest, 'minutes' | 'sample'>,
  target: PipelineTarget,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<VerifyReport> {
  const p = await regionalPipeline(session, target);
  const since = new Date(session.clock.now() - req.minutes * 60_000);
  session.progress.working(`reading ${p.ctx.names.streamName}`);
  const read = await readStream(p.ctx.clients.kinesis, p.ctx.names.streamName, since, session.clock, limits);
  session.progress.done(`read ${read.records.length} record(s) from ${read.shards} shard(s) of ${p.ctx.names.streamName}`);
  const counted = tally(
    read.records.map((r) => decodeRecord(r.Data ?? new Uint8Array())),
    recordStreamsOf({ config: p.config, names: p.ctx.names, region: p.ctx.region }),
    req.sample,
  );
  return {
    stream: p.ctx.names.streamName,
    region: p.ctx.region,
    since: since.toISOString(),
    shards: read.shards,
    records: read.records.length,
    capped: read.capped,
    ...counted,
    silent: counted.sources.filter((s) => s.expected && s.records === 0).map((s) => s.source),
  };
}

export async function runVerify(session: Session, req: CliRequest, target: PipelineTarget): Promise<number> {
  const report = await verifyStream(session, req, target);
  session.out(formatVerify(report, req.json));
  return report.silent.length > 0 || report.unreadable > 0 ? 1 : 0;
}

/** The per-source table, warnings for silent sources, and samples only when asked for. */
export function formatVerify(r: VerifyReport, json: boolean): string {
  if (json) return `${JSON.stringify(r, null, 2)}\n`;
  const rows = r.sources.map((s) => [s.source, s.expected ? 'yes' : 'no', String(s.records), String(s.events), s.newest ?? '-']);
  const lines = [
    `Stream ${r.stream} in ${r.region}: ${r.records} record(s) from ${r.shards} shard(s) since ${r.since}${r.capped ? ' (stopped at the record cap)' : ''}`,
    '',
    ...table(['source', 'enabled', 'records', 'events', 'newest'], rows),
    '',
    `Other records: ${r.other}; control messages skipped: ${r.control}; unreadable records: ${r.unreadable}`,
    ...r.silent.map((s) => `warning: ${s} is enabled in the stack but sent nothing since ${r.since}`),
  ];
  for (const s of r.sources) for (const text of s.samples ?? []) lines.push(`sample ${s.source}: ${text}`);
  return `${lines.join('\n')}\n`;
}
