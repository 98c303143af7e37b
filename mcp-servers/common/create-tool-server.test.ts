import { Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createToolServer } from './create-tool-server.js';
import { McpServerError } from './errors.js';
import { createServerLogger } from './logger.js';
import { readOnlyAnnotations, toolBuilder } from './tool-definition.js';

type Deps = { answer: () => Record<string, unknown> | undefined };

const countTool = toolBuilder<Deps>()({
  name: 'count_things',
  title: 'Count things',
  description: 'test tool',
  inputSchema: z.strictObject({ name: z.string().optional() }),
  outputSchema: z.object({
    count: z.number().int(),
    owners: z.array(z.object({ kind: z.string(), name: z.string() })).optional(),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    if (input.name === 'missing')
      throw new McpServerError('not_found', "No thing 'missing'. Call count_things without a name.");
    const structured = deps.answer();
    return { text: 'counted', ...(structured ? { structured } : {}) };
  },
});

async function connect(answer: Deps['answer']): Promise<{ client: Client; logs: Array<Record<string, unknown>> }> {
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const server = createToolServer({
    name: 'test',
    version: '1.0.0',
    instructions: 'test',
    tools: [countTool],
    deps: { answer },
    enableWrites: false,
    logger: createServerLogger({ level: 'info', server: 'test', destination }),
  });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientTransport);
  await client.listTools(); // the SDK client validates structuredContent only for listed tools
  return { client, logs };
}

describe('createToolServer output schemas', () => {
  it('passes structured output that matches the advertised schema', async () => {
    const { client } = await connect(() => ({ count: 2, owners: [{ kind: 'Deployment', name: 'web' }] }));
    const result = (await client.callTool({ name: 'count_things', arguments: {} })) as CallToolResult;
    expect(result.structuredContent).toEqual({ count: 2, owners: [{ kind: 'Deployment', name: 'web' }] });
  });

  it(
    'sends null-valued fields as absent, so optional fields ' + 'stay optional (backends write lastTimestamp: null)',
    async () => {
      const { client } = await connect(() => ({ count: 1, owners: null, nested: undefined }));
      const result = (await client.callTool({ name: 'count_things', arguments: {} })) as CallToolResult;
      expect(result.structuredContent).toEqual({ count: 1 });
    },
  );

  it.each([
    ['a mistyped field', { count: 'two' }, /count/],
    [
      'a field the schema does not declare (the client would reject it)',
      { count: 2, extra: true },
      /additional properties/,
    ],
    ['no structured output at all', undefined, /no structured output/],
  ])('turns %s into a logged, non-retryable server error naming the tool', async (_case, answer, problem) => {
    const { client, logs } = await connect(() => answer);
    const error = (await client
      .callTool({ name: 'count_things', arguments: {} })
      .catch((caught: unknown) => caught)) as McpError;
    expect(error).toBeInstanceOf(McpError);
    expect(error.message).toMatch(/count_things failed: structured output does not match the tool's outputSchema/);
    expect(error.message).toMatch(problem);
    expect(error.data).toMatchObject({ code: 'output_invalid', isRetryable: false });
    expect(logs).toContainEqual(
      expect.objectContaining({
        event: 'tool-output-invalid',
        tool: 'count_things',
        problem: expect.stringMatching(problem),
      }),
    );
  });

  it(
    'answers a model-actionable error with its data as the advertised error shape, which the client schema check ' +
      'accepts',
    async () => {
      const { client } = await connect(() => ({ count: 1 }));
      const result = (await client.callTool({
        name: 'count_things',
        arguments: { name: 'missing' },
      })) as CallToolResult;
      expect(result.isError).toBe(true);
      expect(result.content).toEqual([{ type: 'text', text: "No thing 'missing'. Call count_things without a name." }]);
      // The SDK client validated this against the advertised schema (anyOf success, error) before returning it.
      expect(result.structuredContent).toMatchObject({
        error: "No thing 'missing'. Call count_things without a name.",
      });
    },
  );
});
