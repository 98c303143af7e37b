import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../package-root.js';
import type { CliIo } from '../command.js';
import { commands } from '../commands.js';
import { runCli } from '../run-cli.js';

// A one-app Argo CD on loopback, so the command runs a real server against a real backend.
let argo: HttpServer;
let argoUrl = '';
beforeAll(async () => {
  argo = createServer((req, res) => {
    const app = {
      metadata: { name: 'checkout' },
      spec: { project: 'shop' },
      status: { sync: { status: 'OutOfSync' }, health: { status: 'Degraded' } },
    };
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify(path === '/api/v1/applications' ? { items: [app] } : app));
  });
  await new Promise<void>((resolve) => argo.listen(0, '127.0.0.1', resolve));
  argoUrl = `http://127.0.0.1:${(argo.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => argo.close(() => resolve()));
});

function io(env: Record<string, string>): { io: CliIo; stderr: () => string; stop: () => void } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  let stop = () => {};
  const stopSignal = new Promise<void>((resolve) => (stop = resolve));
  return { io: { stdout, stderr, env, cwd: process.cwd(), stopSignal }, stderr: () => err, stop: () => stop() };
}

describe('sre-bot mcp', () => {
  it('rejects an unknown server name and conflicting transports with usage errors', async () => {
    const unknown = io({});
    expect(await runCli(['mcp', 'vault'], commands, unknown.io)).toBe(2);
    expect(unknown.stderr()).toContain("unknown MCP server 'vault' (kubernetes, argocd, kyverno or bot)");
    const both = io({});
    expect(await runCli(['mcp', 'argocd', '--stdio', '--http'], commands, both.io)).toBe(2);
  });

  it('names missing configuration and refuses HTTP without MCP_AUTH_TOKEN', async () => {
    const missing = io({});
    expect(await runCli(['mcp', 'argocd', '--http'], commands, missing.io)).toBe(2);
    expect(missing.stderr()).toContain('ARGOCD_URL is required; ARGOCD_TOKEN is required');
    const noToken = io({ ARGOCD_URL: argoUrl, ARGOCD_TOKEN: 'x' });
    expect(await runCli(['mcp', 'argocd', '--http', '--port', '0'], commands, noToken.io)).toBe(2);
    expect(noToken.stderr()).toContain('MCP_AUTH_TOKEN is required with --http');
  });

  it('serves over HTTP until stopped, with write tools only under --enable-writes', async () => {
    const run = io({
      ARGOCD_URL: argoUrl,
      ARGOCD_TOKEN: 'x',
      MCP_AUTH_TOKEN: 'inbound-token-0123456789',
      LOG_LEVEL: 'silent',
    });
    const exit = runCli(['mcp', 'argocd', '--http', '--port', '0', '--enable-writes'], commands, run.io);
    for (let attempt = 0; attempt < 200 && !/listening on (\S+)/.test(run.stderr()); attempt += 1)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const url = /listening on (\S+)/.exec(run.stderr())?.[1] ?? '';
    expect(run.stderr()).toContain('(writes enabled)');
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { authorization: 'Bearer inbound-token-0123456789' } },
      }),
    );
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('sync_application');
    await client.close();
    run.stop();
    expect(await exit).toBe(0);
  });

  it('serves over stdio as a child process (bin/sre-bot.js), read-only by default', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join(packageRoot(), 'bin', 'sre-bot.js'), 'mcp', 'argocd', '--stdio'],
      env: {
        PATH: process.env.PATH ?? '',
        ARGOCD_URL: argoUrl,
        ARGOCD_TOKEN: 'x',
        LOG_LEVEL: 'silent',
        SRE_BOT_FROM_SOURCE: '1',
      },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(transport);
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('get_application');
    expect(names).not.toContain('sync_application');
    const result = (await client.callTool({ name: 'list_applications', arguments: {} })) as CallToolResult;
    expect((result.content[0] as { text: string }).text).toContain('checkout  OutOfSync/Degraded');
    await client.close();
  });
});
