import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresTestDatabase, type TestDatabase } from '../../test/support/databases.js';
import { createMemoryQueue } from '../queue/memory-queue.js';
import type { JobQueue } from '../queue/queue.js';
import { createChannelDirectory } from '../slack/channel-config.js';
import type { SlackInvestigationJob } from '../slack/investigation-job.js';
import { migrate } from '../store/migrate.js';
import { createLogger } from '../telemetry/logger.js';
import type { IncomingAlert } from './alert.js';
import { createAlertIntake, type AlertIntake } from './alert-intake.js';
import type { AlertNoticeJob } from './alert-notice-job.js';
import { createAlertRouter, parseAlertRoutes } from './alert-routes.js';

const CHANNEL = 'C0TEAM00001';
let testDb: TestDatabase;
let investigations: JobQueue<SlackInvestigationJob>;
let notices: JobQueue<AlertNoticeJob>;
const clock = { now: new Date('2026-12-03T18:00:10Z') };

function firing(fingerprint: string, labels: Record<string, string> = {}): IncomingAlert {
  return {
    source: 'alertmanager',
    fingerprint,
    status: 'firing',
    name: 'KubePodCrashLooping',
    labels: { alertname: 'KubePodCrashLooping', team: 'team', namespace: 'shop', app: 'cart', ...labels },
    annotations: { summary: 'cart is crash looping; password=hunter2 in the logs' },
  };
}

/** Intakes over one database, as N receiver replicas would be. */
function intakes(count: number): AlertIntake[] {
  const router = createAlertRouter(
    parseAlertRoutes(
      `routes:\n  - match: { team: team }\n    channel: ${CHANNEL}\nstorm: { maxInvestigationsPerMinute: 3 }\n`,
      'routes.yaml',
    ),
  );
  return Array.from({ length: count }, () =>
    createAlertIntake({
      db: testDb.db,
      router,
      channels: createChannelDirectory([]),
      investigations,
      notices,
      logger: createLogger({ level: 'silent' }),
      now: () => clock.now,
    }),
  );
}

beforeAll(async () => {
  testDb = await createPostgresTestDatabase();
  await migrate(testDb.db);
  investigations = createMemoryQueue('investigation-intake-test');
  notices = createMemoryQueue('alert-notice-intake-test');
});
afterAll(async () => {
  await investigations?.close();
  await notices?.close();
  await testDb?.drop();
});

describe('alert intake on PostgreSQL', () => {
  it('starts at most N investigations per channel and minute across replicas delivering at once', async () => {
    const replicas = intakes(4);
    const receipts = await Promise.all(
      Array.from({ length: 12 }, (_, index) => replicas[index % 4]?.receive([firing(`burst-${index}`)]) ?? []),
    );
    const actions = receipts.flat().map((receipt) => receipt.action);
    expect(actions.filter((action) => action === 'investigating')).toHaveLength(3);
    expect(actions.filter((action) => action === 'summarised')).toHaveLength(9);
    expect((await investigations.counts()).waiting).toBe(3);
    const { rows } = await testDb.db.query(`SELECT investigations, suppressed FROM alert_windows WHERE channel = $1`, [
      CHANNEL,
    ]);
    expect(rows).toEqual([{ investigations: 3, suppressed: 9 }]);
  });

  it('investigates an alert once when replicas receive its first delivery at the same moment', async () => {
    clock.now = new Date('2026-12-03T18:03:00Z');
    const replicas = intakes(4);
    const receipts = (await Promise.all(replicas.map((intake) => intake.receive([firing('same-alert')])))).flat();
    const ids = new Set(receipts.map((receipt) => receipt.investigationId));
    expect(ids.size).toBe(1);
    const { rows } = await testDb.db.query(`SELECT fire_count FROM alerts WHERE fingerprint = 'same-alert'`);
    expect(rows).toEqual([{ fire_count: 4 }]);
  });

  it('puts the labels in the question and the job defaults, with secrets redacted and no thread yet', async () => {
    clock.now = new Date('2026-12-03T18:05:00Z');
    const enqueued: SlackInvestigationJob[] = [];
    const stop = investigations.subscribe(() => undefined);
    const [intake] = intakes(1);
    const original = investigations.enqueue.bind(investigations);
    investigations.enqueue = (data, options) => {
      enqueued.push(data);
      return original(data, options);
    };
    try {
      const [receipt] = (await intake?.receive([firing('labels-1', { cluster: 'prod-eu' })])) ?? [];
      expect(receipt?.action).toBe('investigating');
      expect(enqueued[0]).toMatchObject({
        investigationId: receipt?.investigationId,
        channel: CHANNEL,
        trigger: 'alert',
        defaults: { namespace: 'shop', cluster: 'prod-eu' },
        question:
          'Why is alert KubePodCrashLooping firing for cart in shop on prod-eu? ' +
          'cart is crash looping; password=[redacted] in the logs',
      });
      expect(enqueued[0]?.thread).toBeUndefined();
      expect(enqueued[0]?.anchorText).toContain(
        ':rotating_light: *FIRING* KubePodCrashLooping — cart in shop on prod-eu',
      );
      // A redelivery before the worker opened the investigation re-enqueues the same job, which the queue drops.
      const [again] = (await intake?.receive([firing('labels-1', { cluster: 'prod-eu' })])) ?? [];
      expect(again).toMatchObject({ action: 'investigating', investigationId: receipt?.investigationId });
      expect(enqueued[1]?.investigationId).toBe(receipt?.investigationId);
    } finally {
      investigations.enqueue = original;
      stop();
    }
  });
});
