import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledScenario, repositoryRoot, startPipeline, type PipelineHarness } from '../../test/support/pipeline.js';
import { waitFor } from '../../test/support/probes.js';
import type { ToolGateway } from '../agent/ports.js';
import { McpToolGateway } from '../gateway-client/mcp-tool-gateway.js';
import { createInvestigator } from '../runtime/investigator.js';
import { createLogger } from '../telemetry/logger.js';
import { createBotMcpServer } from './bot-mcp-server.js';
import { startBotMcpHttp, type RunningBotMcpHttp } from './http-endpoint.js';
import { investigateOutputSchema } from './investigate-output.js';

const QUESTION = 'payments-api keeps restarting in prod-eu since this morning, what is wrong?';
const TOKEN = 'bot-mcp-test-token';

/** The bot as an MCP server, driven by real MCP SDK clients over streamable HTTP and stdio. */
describe('sre-bot MCP server', () => {
  let pipeline: PipelineHarness;
  let http: RunningBotMcpHttp;
  let realGateway: McpToolGateway;
  const clients: Client[] = [];

  const connectHttp = async (token = TOKEN) => {
    const client = new Client({ name: 'bot-mcp-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(http.url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    pipeline = await startPipeline(await bundledScenario('crash-missing-env'));
    realGateway = new McpToolGateway({ url: pipeline.estate.gateway.url, token: pipeline.estate.gateway.token });
    const logger = createLogger({ level: 'silent' });
    http = await startBotMcpHttp({
      createServer: () =>
        createBotMcpServer({
          services: () => Promise.resolve({ investigator: pipeline.investigator, catalog: pipeline.catalog }),
          logger,
          version: 'test',
        }),
      authToken: TOKEN,
      port: 0,
      logger,
    });
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await http?.close();
    await realGateway?.close();
    await pipeline?.close();
  });

  it('lists investigate, search_skills and read_skill, each with an outputSchema and read-only', async () => {
    const { tools } = await (await connectHttp()).listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['investigate', 'read_skill', 'search_skills']);
    for (const tool of tools) {
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
    }
    const investigate = tools.find((tool) => tool.name === 'investigate');
    expect(Object.keys(investigate?.inputSchema.properties ?? {}).sort()).toEqual(['cluster', 'instance', 'question']);
    expect(investigate?.inputSchema.required).toEqual(['question']);
  });

  it('investigates over HTTP: structured answer, progress notifications, a recorded investigation', async () => {
    const client = await connectHttp();
    const progress: string[] = [];
    const result = await client.callTool(
      { name: 'investigate', arguments: { question: QUESTION, cluster: 'prod-eu' } },
      undefined,
      { onprogress: (update) => progress.push(update.message ?? ''), timeout: 120_000 },
    );
    expect(result.isError).toBeFalsy();
    const output = investigateOutputSchema.parse(result.structuredContent);
    expect(output.outcome).toBe('answer');
    expect(output.answer?.rootCause).toContain('payments-api');
    expect(output.answer?.evidence.length).toBeGreaterThan(0);
    expect(progress.some((message) => message.startsWith('[gather]'))).toBe(true);
    expect(progress.at(-1)).toBe('[answer] answer ready');
    const row = await pipeline.store.investigations.get(output.investigationId);
    expect(row).toMatchObject({ source: 'api', status: 'answered', traceId: output.traceId });
  }, 120_000);

  it.each(['streamable HTTP', 'one connection, as over stdio'] as const)(
    'stops the investigation when the client cancels it (notifications/cancelled) over %s',
    async (transport) => {
      // A gateway whose calls answer only by being aborted: the investigation can end only through
      // the client's cancellation reaching the call in flight (without a signal a call fails at once,
      // the pipeline carries on and answers).
      const calls = { started: 0, aborted: 0 };
      const holding: ToolGateway = {
        listTools: () => realGateway.listTools(),
        callTool: (_name, _args, options) =>
          new Promise((_resolve, reject) => {
            calls.started += 1;
            const signal = options?.signal;
            if (!signal) return reject(new Error('no cancellation signal reached the gateway call'));
            signal.addEventListener('abort', () => {
              calls.aborted += 1;
              reject(signal.reason as Error);
            });
          }),
      };
      const investigator = createInvestigator({ store: pipeline.store, gateway: holding, catalog: pipeline.catalog });
      const logger = createLogger({ level: 'silent' });
      const createServer = () =>
        createBotMcpServer({
          services: () => Promise.resolve({ investigator, catalog: pipeline.catalog }),
          logger,
          version: 'test',
        });
      const client = new Client({ name: 'bot-mcp-cancel-test', version: '1.0.0' });
      let closeServer: () => Promise<void>;
      if (transport === 'streamable HTTP') {
        const held = await startBotMcpHttp({ createServer, authToken: TOKEN, port: 0, logger });
        closeServer = () => held.close();
        await client.connect(
          new StreamableHTTPClientTransport(new URL(held.url), {
            requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
          }),
        );
      } else {
        const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
        const server = createServer();
        await server.connect(serverSide);
        closeServer = () => server.close();
        await client.connect(clientSide);
      }
      try {
        const question = `${QUESTION} (asked over ${transport}, then cancelled)`;
        const cancel = new AbortController();
        const call = client.callTool({ name: 'investigate', arguments: { question } }, undefined, {
          onprogress: () => cancel.abort(new Error('the user closed the chat')),
          signal: cancel.signal,
          timeout: 120_000,
        });
        await expect(call).rejects.toThrow(/closed the chat/);
        const row = await waitFor('the cancelled investigation to stop', async () => {
          const { rows } = await pipeline.store.db.query(
            `SELECT status, error, answer FROM investigations WHERE question = $1`,
            [question],
          );
          return rows[0] && rows[0]['status'] === 'failed' ? rows[0] : undefined;
        });
        expect(row).toMatchObject({ answer: null, error: expect.stringMatching(/^cancelled by the caller/) });
        expect(calls.started).toBeGreaterThan(0);
        expect(calls.aborted).toBe(calls.started);
      } finally {
        await client.close();
        await closeServer();
      }
    },
    120_000,
  );

  it('searches and reads skills; an unknown skill is a tool error that says what to call', async () => {
    const client = await connectHttp();
    const found = await client.callTool({
      name: 'search_skills',
      arguments: { query: 'CrashLoopBackOff missing env var' },
    });
    const skills = (found.structuredContent as { skills: Array<{ name: string }> }).skills;
    expect(skills.length).toBeGreaterThan(0);
    const first = skills[0]?.name ?? '';
    const read = await client.callTool({ name: 'read_skill', arguments: { name: first } });
    expect((read.structuredContent as { name: string; body: string }).name).toBe(first);
    expect((read.structuredContent as { body: string }).body.length).toBeGreaterThan(100);
    const missing = await client.callTool({ name: 'read_skill', arguments: { name: 'no-such-skill' } });
    expect(missing.isError).toBe(true);
    expect(JSON.stringify(missing.content)).toContain('search_skills');
  });

  it('rejects a question that is too short as invalid input, and a wrong bearer token with 401', async () => {
    const client = await connectHttp();
    const bad = await client.callTool({ name: 'investigate', arguments: { question: '?' } });
    expect(bad.isError).toBe(true);
    const response = await fetch(http.url, {
      method: 'POST',
      headers: {
        authorization: 'Bearer wrong',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
  });

  it('serves over stdio from the CLI (sre-bot mcp bot --scenario), with the same answer', async () => {
    const home = await mkdtemp(join(tmpdir(), 'sre-bot-mcp-bot-'));
    const client = new Client({ name: 'bot-mcp-stdio-test', version: '1.0.0' });
    try {
      await client.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: [join(repositoryRoot, 'bin', 'sre-bot.js'), 'mcp', 'bot', '--scenario', 'crash-missing-env'],
          env: { PATH: process.env.PATH ?? '', SRE_BOT_HOME: home, LOG_LEVEL: 'warn' },
          stderr: 'ignore',
        }),
      );
      const progress: string[] = [];
      const result = await client.callTool({ name: 'investigate', arguments: { question: QUESTION } }, undefined, {
        onprogress: (update) => progress.push(update.message ?? ''),
        timeout: 120_000,
      });
      const output = investigateOutputSchema.parse(result.structuredContent);
      expect(output.answer?.rootCause).toContain('payments-api');
      expect(progress.length).toBeGreaterThan(2);
    } finally {
      await client.close();
      await rm(home, { recursive: true, force: true });
    }
  }, 180_000);
});
