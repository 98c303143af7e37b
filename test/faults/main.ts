/**
 * `npm run faults [-- --short]`: the fault suite of issue 18. Starts Redis and PostgreSQL on their
 * own ports, the fake Slack and model, the sandbox estate behind the gateway, the real Bolt
 * receiver in this process and `sre-bot worker` processes, then runs each scripted fault with a
 * bounded load and prints the table: sent, acked, answered once, lost, duplicated, stuck, and
 * the time from the end of the fault until every question settled.
 */
import { bundledScenario } from '../support/pipeline.js';
import { startFaultCluster } from './fault-cluster.js';
import { FAULTS, faultTable, runFault, type FaultRow } from './fault-runs.js';

const isShort = process.argv.includes('--short');
const only = process.argv.find((argument) => argument.startsWith('--only='))?.slice('--only='.length);
const faults = FAULTS.filter((fault) => (!isShort || fault.short) && (!only || fault.name.includes(only)));

const cluster = await startFaultCluster(await bundledScenario('missing-image-tag'));
const rows: FaultRow[] = [];
try {
  await cluster.startWorkers(2);
  for (const fault of faults) {
    process.stderr.write(`fault: ${fault.name}…\n`);
    const row = await runFault(cluster, fault);
    rows.push(row);
    process.stderr.write(`  ${JSON.stringify(row)}\n`);
  }
} finally {
  await cluster.close();
}
process.stdout.write(`${faultTable(rows)}\n`);
const isClean = rows.every(
  (row) => row.lost === 0 && row.duplicated === 0 && row.stuck === 0 && row.acked === row.sent,
);
process.exit(isClean ? 0 : 1);
