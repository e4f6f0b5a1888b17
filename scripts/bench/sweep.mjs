// Bench section: enrollment at scale (scripts/bench/sweep.ts through run-ts.mjs): API calls by operation and
// wall time of a sweep at 10 to 10,000 VPCs, beside one CreateFlowLogs per VPC, each with the issue's call budget.
import { runBenchEntry } from './run-ts.mjs';
import { formatTable } from './table.mjs';

const n = (v) => v.toLocaleString('en-US');
const pages = (count, size) => Math.ceil(count / size);

/**
 * The call budget of the issue: ceil(V/1000) + ceil(F/1000) + ceil(N/300) + 2 for a sweep of V VPCs with F flow
 * logs and N to create; re-created settings add ceil(F/1000) deletes; a CreateVpc event at most 3.
 */
export function callBudget({ scenario, vpcs, flowLogs, toCreate }) {
  if (scenario === 'CreateVpc event') return 3;
  const sweep = pages(vpcs, 1000) + pages(flowLogs, 1000) + pages(toCreate, 300) + 2;
  return scenario === 'all settings changed' ? sweep + pages(flowLogs, 1000) : sweep;
}

/** The same run if each VPC got its own CreateFlowLogs (and each changed flow log its own DeleteFlowLogs). */
function oneCallPerVpc(row) {
  const batched = (row.calls['ec2:CreateFlowLogs'] ?? 0) + (row.calls['ec2:DeleteFlowLogs'] ?? 0);
  return row.total - batched + row.toCreate + (row.scenario === 'all settings changed' ? row.flowLogs : 0);
}

const opText = (calls) =>
  Object.entries(calls)
    .map(([op, count]) => `${op.split(':')[1]} ${count}`)
    .join(', ');

export async function sweepSection({ root }) {
  const { rows } = await runBenchEntry(root, 'sweep', []);
  const sweeps = rows.filter((r) => r.scenario !== 'CreateVpc event');
  const table = formatTable(
    [
      { header: 'scenario' },
      { header: 'VPCs', align: 'right' },
      { header: 'flow logs', align: 'right' },
      { header: 'to create', align: 'right' },
      { header: 'calls by operation' },
      { header: 'total', align: 'right' },
      { header: 'target', align: 'right' },
      { header: 'one CreateFlowLogs per VPC', align: 'right' },
      { header: 'wall ms', align: 'right' },
      { header: 'log lines (bytes)', align: 'right' },
    ],
    sweeps.map((r) => [
      r.scenario,
      `${n(r.vpcs)} VPCs`,
      n(r.flowLogs),
      n(r.toCreate),
      opText(r.calls),
      `${n(r.total)} calls`,
      `<= ${n(callBudget(r))} calls`,
      `${n(oneCallPerVpc(r))} calls`,
      r.wallMs.toFixed(0),
      `${r.logLines} (${n(r.logBytes)})`,
    ]),
  );
  const event = rows.find((r) => r.scenario === 'CreateVpc event');
  const over = rows.filter((r) => r.total > callBudget(r));
  return {
    title: 'Enrollment at scale (real handlers, fake account, EC2 pages of 1000)',
    lines: [
      "half covered: the enroller's scheduled sweep (settings check, then DescribeVpcs, DescribeFlowLogs, CreateFlowLogs in 300s)",
      "all settings changed: the provisioner's flow-log step of an Update changing FlowLogTrafficType (records the settings, deletes in 1000s, re-creates in 300s)",
      '',
      ...table,
      '',
      `CreateVpc event: ${event.total} calls (target <= 3 calls; ${opText(event.calls)}; ${n(event.flowLogs)} flow logs in the region)`,
      `call budget: ceil(V/1000) + ceil(F/1000) + ceil(N/300) + 2, plus ceil(F/1000) deletes when every flow log's settings change;` +
        ` ${over.length === 0 ? 'every run within it' : `OVER: ${over.map((r) => `${r.scenario} at ${n(r.vpcs)} VPCs`).join(', ')}`}`,
      'wall ms: our code and the in-memory fake on this machine, no network latency (informative only)',
    ],
  };
}
