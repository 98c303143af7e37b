import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'vitest';
import type { z } from 'zod';
import type { DefinedTool } from '../../mcp-servers/common/tool-definition.js';
import { call } from './sandbox-harness.js';

/**
 * Calls a read tool and returns its structuredContent parsed with the tool's own outputSchema.
 * The client must have listed tools first, so the SDK client also validated the wire result
 * against the advertised JSON Schema (it throws when they disagree).
 */
export async function structuredCall<Deps, Schema extends z.ZodObject>(
  client: Client,
  tool: DefinedTool<Deps, Schema>,
  args: Record<string, unknown> = {},
): Promise<{ text: string; data: z.output<Schema> }> {
  const { text, result } = await call(client, tool.name, args);
  expect(result.isError ?? false, `${tool.name} failed: ${text}`).toBe(false);
  expect(tool.outputSchema, `${tool.name} declares an outputSchema`).toBeDefined();
  const parsed = (tool.outputSchema as Schema).safeParse(result.structuredContent);
  expect(parsed.success ? [] : parsed.error.issues, `${tool.name} structuredContent`).toEqual([]);
  return { text, data: parsed.data as z.output<Schema> };
}

/** Asserts that tools/list shows an outputSchema (an object JSON Schema) for every read tool of a server. */
export async function expectOutputSchemaForEveryReadTool(client: Client, readTools: readonly string[]): Promise<void> {
  const listed = (await client.listTools()).tools;
  const reads = listed.filter((tool) => tool.annotations?.readOnlyHint === true).map((tool) => tool.name);
  expect(reads.sort()).toEqual([...readTools].sort());
  for (const tool of listed.filter((candidate) => readTools.includes(candidate.name))) {
    expect(tool.outputSchema, `${tool.name} lists an outputSchema`).toMatchObject({ type: 'object' });
    // Advertised as anyOf [success shape, error shape]: the success branch names the tool's fields.
    const [success, failure] =
      (tool.outputSchema as { anyOf?: Array<{ properties?: object; required?: string[] }> }).anyOf ?? [];
    expect(Object.keys(success?.properties ?? {}).length, tool.name).toBeGreaterThan(0);
    expect(failure?.required, `${tool.name} error shape`).toEqual(['error']);
  }
}
