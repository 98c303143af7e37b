import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../package-root.js';
import { runCli } from '../run-cli.js';
import { sandboxCommand } from './sandbox.js';

const run = promisify(execFile);

describe('sre-bot sandbox', () => {
  it('lists every bundled scenario with its summary', async () => {
    const stdout = new PassThrough();
    const chunks: string[] = [];
    stdout.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const code = await runCli(['sandbox', 'list'], [sandboxCommand], {
      stdout,
      stderr: new PassThrough(),
      env: {},
      cwd: process.cwd(),
      stopSignal: new Promise(() => undefined),
    });
    expect(code).toBe(0);
    const lines = chunks.join('').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(16);
    expect(lines).toContainEqual(expect.stringMatching(/^missing-image-tag — .*never pushed/));
    expect(lines.every((line) => !line.includes('(invalid'))).toBe(true);
  });

  it('rejects --scenario together with --scenario-file', async () => {
    const stderr = new PassThrough();
    const chunks: string[] = [];
    stderr.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const code = await runCli(['sandbox', 'up', '--scenario', 'a', '--scenario-file', 'b'], [sandboxCommand], {
      stdout: new PassThrough(),
      stderr,
      env: {},
      cwd: process.cwd(),
      stopSignal: Promise.resolve(),
    });
    expect(code).toBe(2);
    expect(chunks.join('')).toContain('use either --scenario or --scenario-file');
  });

  it('up --json prints one JSON line, serves until SIGTERM, then cleans up', async () => {
    const child = spawn(
      process.execPath,
      [join(packageRoot(), 'bin', 'sre-bot.js'), 'sandbox', 'up', '--scenario', 'missing-image-tag', '--json'],
      {
        cwd: packageRoot(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const lines = createInterface({ input: child.stdout });
      const first = await new Promise<string>((resolve, reject) => {
        lines.once('line', resolve);
        child.once('exit', () => reject(new Error('sandbox exited before printing its JSON line')));
      });
      const info = JSON.parse(first) as {
        kubeconfig: string;
        clusters: Array<{ name: string; url: string }>;
        argocd: Array<{ name: string; url: string; token: string }>;
        git: string;
        scenario: { name: string; question: string };
      };
      expect(info.scenario.name).toBe('missing-image-tag');
      expect(info.clusters.map((cluster) => cluster.name)).toEqual(['prod-eu', 'prod-us']);
      expect(info.argocd.map((instance) => instance.name)).toEqual(['argocd-eu-1', 'argocd-us-1']);

      const eu = info.argocd[0];
      const apps = (await (
        await fetch(`${eu?.url ?? ''}/api/v1/applications?name=checkout`, {
          headers: { authorization: `Bearer ${eu?.token ?? ''}` },
        })
      ).json()) as { items: unknown[] };
      expect(apps.items).toHaveLength(1);
      const pods = await run('kubectl', [
        '--kubeconfig',
        info.kubeconfig,
        '--context',
        'prod-eu',
        'get',
        'pods',
        '-n',
        'shop',
        '--no-headers',
      ]);
      expect(pods.stdout).toContain('ImagePullBackOff');
      const log = await run('git', ['--git-dir', info.git, 'log', '--format=%s', '-1']);
      expect(log.stdout.trim()).toBe('checkout: release 1.8.3 to prod-eu');

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(dirname(info.kubeconfig))).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
