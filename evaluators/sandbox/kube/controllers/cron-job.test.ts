/**
 * The CronJob controller seen through the real kubectl over HTTPS: the Job of the due run, its
 * failure, the controller's events on the CronJob, the next run as the clock moves on, and the
 * failed-jobs history limit.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../api-server.js';
import type { KubeObject } from '../cluster-api.js';
import { renderKubeconfig } from '../kubeconfig.js';
import { createSimulatedCluster } from '../simulated-cluster.js';
import { createTlsMaterial } from '../tls.js';

const START = Date.parse('2026-03-02T10:07:30Z');
let nowMs = START;
let dir: string;
let server: KubeApiServer;
let kubeconfig: string;

function kubectl(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', ['--kubeconfig', kubeconfig, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`)),
    );
  });
}

function cronJob(): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'invoice-sweep', namespace: 'billing' },
    spec: {
      schedule: '*/15 * * * *',
      jobTemplate: {
        spec: {
          backoffLimit: 1,
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'sweep', image: 'registry.example.com/billing/sweep:2.0.1' }],
            },
          },
        },
      },
    },
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cron-job-'));
  const tls = await createTlsMaterial(join(dir, 'tls'));
  const cluster = createSimulatedCluster({
    name: 'prod-eu',
    images: [
      {
        repository: 'registry.example.com/billing/sweep',
        tags: ['2.0.1'],
        requiredEnv: ['SWEEP_BUCKET'],
        crashLog: ['sweep: SWEEP_BUCKET is empty, refusing to run'],
      },
    ],
    now: () => new Date(nowMs),
  });
  cluster.load([cronJob()]);
  server = await startKubeApiServer({ cluster, token: 'cron-token', tls });
  kubeconfig = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    renderKubeconfig([{ name: 'prod-eu', url: server.url, token: 'cron-token', caPem: tls.caPem }]),
  );
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('CronJob controller', () => {
  const firstRun = `invoice-sweep-${Math.floor(Date.parse('2026-03-02T10:00:00Z') / 60_000)}`;
  const secondRun = `invoice-sweep-${Math.floor(Date.parse('2026-03-02T10:15:00Z') / 60_000)}`;

  it('creates the Job of the due run, owned by the CronJob, which fails on its backoff limit', async () => {
    const table = await kubectl('get', 'cronjobs', '-n', 'billing');
    expect(table).toMatch(/invoice-sweep\s+\*\/15 \* \* \* \*\s+<none>\s+False\s+0\s+7m30s\s+120m/);
    const job = JSON.parse(await kubectl('get', 'job', firstRun, '-n', 'billing', '-o', 'json')) as KubeObject;
    expect(job.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'invoice-sweep' });
    expect(job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe('2026-03-02T10:00:00Z');
    const failed = (job.status as { conditions?: Array<{ type: string; reason: string }> }).conditions?.find(
      (condition) => condition.type === 'Failed',
    );
    expect(failed?.reason).toBe('BackoffLimitExceeded');
    const logs = await kubectl('logs', `job/${firstRun}`, '-n', 'billing');
    expect(logs).toContain('SWEEP_BUCKET is empty');
  });

  it('records SuccessfulCreate and SawCompletedJob on the CronJob', async () => {
    const events = await kubectl(
      'get',
      'events',
      '-n',
      'billing',
      '--field-selector',
      'involvedObject.kind=CronJob,involvedObject.name=invoice-sweep',
      '-o',
      'custom-columns=REASON:.reason,MESSAGE:.message,SOURCE:.source.component',
    );
    expect(events).toMatch(new RegExp(`SuccessfulCreate\\s+Created job ${firstRun}\\s+cronjob-controller`));
    expect(events).toMatch(new RegExp(`SawCompletedJob\\s+Saw completed job: ${firstRun}, status: Failed`));
  });

  it('creates the next run when the clock reaches it and keeps one failed Job (failedJobsHistoryLimit)', async () => {
    nowMs = Date.parse('2026-03-02T10:16:00Z');
    const jobs = await kubectl('get', 'jobs', '-n', 'billing', '-o', 'name');
    expect(jobs.trim().split('\n')).toEqual([`job.batch/${secondRun}`]);
    const cron = JSON.parse(await kubectl('get', 'cronjob', 'invoice-sweep', '-n', 'billing', '-o', 'json')) as {
      status: { lastScheduleTime?: string; lastSuccessfulTime?: string };
    };
    expect(cron.status.lastScheduleTime).toBe('2026-03-02T10:15:00Z');
    expect(cron.status.lastSuccessfulTime).toBeUndefined();
    const events = await kubectl('get', 'events', '-n', 'billing', '-o', 'custom-columns=REASON:.reason,MSG:.message');
    expect(events).toMatch(new RegExp(`SuccessfulDelete\\s+Deleted job ${firstRun}`));
  });
});
