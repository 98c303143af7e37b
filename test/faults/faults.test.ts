import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledScenario } from '../support/pipeline.js';
import { startFaultCluster, type FaultCluster } from './fault-cluster.js';
import { FAULTS, runFault } from './fault-runs.js';

/**
 * The short form of `npm run faults`: the faults marked `short`, against real Redis and
 * PostgreSQL processes, the Bolt receiver and `sre-bot worker` processes. Every acked question
 * is answered exactly once and nothing is left running or saying "Looking into it". Strikes wait
 * on durable state (rows, recorded Slack calls), never on a throttled status line.
 */
let cluster: FaultCluster;

beforeAll(async () => {
  cluster = await startFaultCluster(await bundledScenario('missing-image-tag'));
  await cluster.startWorkers(2);
}, 240_000);

afterAll(async () => {
  await cluster?.close();
}, 60_000);

describe('fault suite (short form)', () => {
  for (const fault of FAULTS.filter((candidate) => candidate.short)) {
    it(`${fault.name}: every acked question answered once, none lost, duplicated or stuck`, async () => {
      const row = await runFault(cluster, fault, 90_000);
      expect(row).toMatchObject({ sent: fault.questions, acked: fault.questions, lost: 0, duplicated: 0, stuck: 0 });
      expect(row.answeredOnce).toBe(fault.questions);
    }, 240_000);
  }
});
