import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../mcp-servers/gateway/index.js';
import { startFakeUpstream, type FakeUpstream } from '../../../mcp-servers/gateway/testing/fake-upstream.js';
import type { CliIo } from '../command.js';
import { commands } from '../commands.js';
import { runCli } from '../run-cli.js';

const UPSTREAM_TOKEN = 'upstream-token-for-cli-test';
const CALLER_TOKEN = 'caller-token-for-cli-test';
let dir = '';
let upstream: FakeUpstream;

function io(env: Record<string, string>): { io: CliIo; out: () => string; err: () => string; stop: () => void } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  let stop = () => {};
  const stopSignal = new Promise<void>((resolve) => (stop = resolve));
  return { io: { stdout, stderr, env, cwd: dir, stopSignal }, out: () => out, err: () => err, stop: () => stop() };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sre-bot-gateway-cli-'));
  upstream = await startFakeUpstream({ token: UPSTREAM_TOKEN, things: ['payments'] });
  writeFileSync(
    join(dir, 'gateway.yaml'),
    [
      'healthCheck: { intervalMs: 0 }',
      'upstreams:',
      `  - { kind: argocd, instance: argocd-1, url: "${upstream.url}", auth: { bearerTokenEnv: UPSTREAM_TOKEN } }`,
      'callers:',
      `  - { principal: tester, tokenSha256: "${sha256Hex(CALLER_TOKEN)}" }`,
    ].join('\n'),
  );
  writeFileSync(join(dir, 'bad.yaml'), 'upstreams: []\ncallers:\n  - { principal: x, tokenSha256: 1234 }\n');
});

afterAll(async () => {
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sre-bot gateway', () => {
  it('validates a config with --check', async () => {
    const run = io({ UPSTREAM_TOKEN });
    expect(await runCli(['gateway', '--config', 'gateway.yaml', '--check'], commands, run.io)).toBe(0);
    expect(run.out()).toContain('gateway config OK: 1 upstream (1 argocd), 1 caller');
  });

  it('explains every config problem with its path and exits 2', async () => {
    const run = io({});
    expect(await runCli(['gateway', '--config', 'bad.yaml'], commands, run.io)).toBe(2);
    expect(run.err()).toContain('upstreams: declare at least one upstream');
    expect(run.err()).toContain('callers[0].tokenSha256: must be a string of 64 hex digits (quote it');
  });

  it('requires --config', async () => {
    const run = io({});
    expect(await runCli(['gateway'], commands, run.io)).toBe(2);
    expect(run.err()).toContain('--config is required');
  });

  it('serves the gateway until stopped', async () => {
    const run = io({ UPSTREAM_TOKEN, LOG_LEVEL: 'silent' });
    const exit = runCli(
      ['gateway', '--config', 'gateway.yaml', '--port', '0', '--host', '127.0.0.1'],
      commands,
      run.io,
    );
    for (let attempt = 0; attempt < 200 && !/listening on (\S+)/.test(run.err()); attempt++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    const url = /listening on (http:\/\/\S+\/mcp)/.exec(run.err())?.[1] ?? '';
    expect(run.err()).toContain('1 upstream healthy');
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${CALLER_TOKEN}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'list_things', arguments: {} },
      }),
    });
    const body = (await response.json()) as { result: { structuredContent: unknown } };
    expect(body.result.structuredContent).toEqual({ things: ['payments'], instance: 'argocd-1' });
    run.stop();
    expect(await exit).toBe(0);
  });
});
