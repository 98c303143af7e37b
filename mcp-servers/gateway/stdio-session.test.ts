import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { StdioMcpSession, type StdioSessionOptions } from './stdio-session.js';
import { ResponseTooLargeError } from './upstream-http.js';

const root = process.cwd();
const loader = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const clientInfo = { name: 'stdio-session-test', version: '1.0.0' };

/** The fake upstream of the gateway tests, over stdio (the benchmark's child). */
function fakeUpstream(overrides: Partial<StdioSessionOptions> = {}): StdioSessionOptions {
  return {
    command: process.execPath,
    args: ['--import', loader, join(root, 'test', 'bench', 'gateway-upstream-stdio.ts')],
    env: { PATH: process.env.PATH ?? '' },
    clientInfo,
    maxResponseBytes: 1 << 20,
    onStderr: () => undefined,
    onClose: () => undefined,
    ...overrides,
  };
}

/** A child that answers initialize, then `tools/call` with whatever `reply` prints for the request id. */
function scripted(reply: string, overrides: Partial<StdioSessionOptions> = {}): StdioSessionOptions {
  const script =
    `
    const rl = require('node:readline').createInterface({ input: process.stdin });
    rl.on('line', (line) => {
      const message = JSON.parse(line);
      if (message.method === 'initialize') {
        console.log('a stray log line on stdout');
        console.log(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { protocolVersion: ` +
    `'2025-06-18', capabilities: {}, serverInfo: { name: 'scripted', version: '1' } } }));
      } else if (message.method === 'tools/call') {
        const id = message.id;
        ${reply}
      }
    });`;
  return fakeUpstream({ command: process.execPath, args: ['-e', script], ...overrides });
}

describe('StdioMcpSession', () => {
  it('opens a session with a stdio MCP server, lists its tools and calls one', async () => {
    const session = await StdioMcpSession.open(fakeUpstream(), AbortSignal.timeout(20_000));
    try {
      const { tools } = await session.listTools(undefined, AbortSignal.timeout(5000));
      expect(tools.map((tool) => tool.name)).toContain('list_things');
      const result = await session.callTool({ name: 'list_things', arguments: {} }, AbortSignal.timeout(5000));
      expect(result.structuredContent).toEqual({ things: ['payments', 'cart', 'search'] });
      // Requests in flight at once are matched to their own responses.
      const [one, two] = await Promise.all([
        session.callTool({ name: 'get_thing', arguments: { name: 'cart' } }, AbortSignal.timeout(5000)),
        session.callTool({ name: 'get_thing', arguments: { name: 'search' } }, AbortSignal.timeout(5000)),
      ]);
      expect([one.structuredContent, two.structuredContent]).toEqual([
        { name: 'cart', state: 'fine' },
        { name: 'search', state: 'fine' },
      ]);
    } finally {
      await session.close();
    }
  }, 30_000);

  it('skips stray stdout lines, and fails calls in flight with ConnectionClosed when the child exits', async () => {
    let closed = 0;
    const session = await StdioMcpSession.open(
      scripted('process.exit(3);', { onClose: () => (closed += 1) }),
      AbortSignal.timeout(10_000),
    );
    const error = await session
      .callTool({ name: 'x', arguments: {} }, AbortSignal.timeout(5000))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).message).toContain('exited (code 3)');
    expect(closed).toBe(1);
    await expect(session.listTools(undefined, AbortSignal.timeout(1000))).rejects.toBeInstanceOf(McpError);
  });

  it('refuses a message over the byte limit and ends the session', async () => {
    const big =
      `console.log(JSON.stringify({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: ` +
      `'x'.repeat(8192) }] } }));`;
    const session = await StdioMcpSession.open(scripted(big, { maxResponseBytes: 1024 }), AbortSignal.timeout(10_000));
    try {
      await expect(session.callTool({ name: 'x', arguments: {} }, AbortSignal.timeout(5000))).rejects.toBeInstanceOf(
        ResponseTooLargeError,
      );
    } finally {
      await session.close();
    }
  });

  it('gives up on a child that never answers once the signal aborts', async () => {
    const session = await StdioMcpSession.open(scripted('/* never answers */'), AbortSignal.timeout(10_000));
    try {
      const error = await session
        .callTool({ name: 'x', arguments: {} }, AbortSignal.timeout(100))
        .catch((caught: unknown) => caught);
      expect((error as Error).name).toMatch(/AbortError|TimeoutError/);
    } finally {
      await session.close();
    }
  });
});
