import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

/**
 * Serves one MCP server over stdio until the client closes the stream or `stop` resolves.
 * stdout carries only MCP messages; logs go to stderr.
 */
export async function runStdioTransport(
  server: Server,
  stop: Promise<void>,
  streams?: { stdin: Readable; stdout: Writable },
): Promise<void> {
  const transport = streams ? new StdioServerTransport(streams.stdin, streams.stdout) : new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  await server.connect(transport);
  const stdin = streams?.stdin ?? process.stdin;
  const ended = new Promise<void>((resolve) => stdin.once('end', () => resolve()));
  await Promise.race([closed, ended, stop]);
  await server.close();
}
