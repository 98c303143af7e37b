import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropicSteps, startFakeAnthropic, type FakeAnthropic } from '../../test/fakes/anthropic/index.js';
import { createAnthropicModelClient } from '../model/anthropic-model-client.js';
import { skillCatalogPort } from '../runtime/skill-catalog-port.js';
import { createSkillCatalog } from '../skills/catalog.js';
import type { SkillCatalog as DiskCatalog } from '../skills/catalog-types.js';
import { defaultLoopLimits } from './loop-limits.js';
import type { SkillCatalog, ToolCallResult, ToolDescriptor } from './ports.js';
import { reason, type ReasonInput } from './reason.js';

const MODEL = 'claude-test';
const CANARY = 'xoxb-1111111111-canarycanary';

const tools: ToolDescriptor[] = [
  {
    name: 'describe_workload',
    description: 'Explain the health of a workload in one call.',
    inputSchema: {
      type: 'object',
      properties: { name: { type: 'string' }, namespace: { type: 'string' }, instance: { type: 'string' } },
    },
    isReadOnly: true,
  },
  {
    name: 'get_pod_logs',
    description: 'Tail the logs of a pod container, previous run included.',
    inputSchema: {
      type: 'object',
      properties: { name: { type: 'string' }, namespace: { type: 'string' }, previous: { type: 'boolean' } },
    },
    isReadOnly: true,
  },
  {
    name: 'list_policy_violations',
    description: 'Kyverno policy report violations by namespace.',
    inputSchema: { type: 'object', properties: { namespace: { type: 'string' } } },
    isReadOnly: true,
  },
];

const finding = {
  summary: 'checkout cannot start: the image tag 1.4.3 does not exist.',
  rootCause:
    'Deployment shop/checkout references registry.example.com/shop/checkout:1.4.3, which is not in the registry.',
  evidence: [
    {
      text: 'Failed to pull image "registry.example.com/shop/checkout:1.4.3": not found',
      source: 'describe_workload:prod/deployment/shop/checkout',
    },
  ],
  confidence: 'high',
  nextSteps: ['Set the image tag back to 1.4.2 in apps/checkout/values-prod.yaml.'],
};

describe('reasoning loop (real SDK against the fake Messages API)', () => {
  let fake: FakeAnthropic;
  let disk: DiskCatalog;
  let catalog: SkillCatalog;
  let calls: Array<{ name: string; args: Record<string, unknown> }>;
  let results: Record<string, ToolCallResult>;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    disk = await createSkillCatalog({ roots: [join(import.meta.dirname, '..', '..', 'skills')] });
    catalog = skillCatalogPort(disk);
  });
  afterAll(async () => {
    await fake.close();
    await disk.close();
  });
  beforeEach(() => {
    fake.setScript([]);
    calls = [];
    results = {
      describe_workload: {
        text:
          `Deployment shop/checkout\n  ! Failed to pull image "registry.example.com/shop/checkout:1.4.3": not ` +
          `found\n  env SLACK_TOKEN=${CANARY}`,
        isError: false,
      },
      get_pod_logs: {
        text:
          `container "checkout" in pod "checkout-abc" is waiting to start: image can't be pulled\nAuthorization: ` +
          `Bearer ${CANARY}`,
        isError: false,
      },
    };
  });

  function input(overrides: Partial<ReasonInput> = {}): ReasonInput {
    return {
      question: `why is checkout failing in prod? my token is ${CANARY}`,
      context: `Evidence: password=${CANARY}`,
      matchedSkills: ['image-pull-errors'],
      tools,
      catalog,
      model: createAnthropicModelClient({
        apiKey: 'test',
        baseURL: fake.url,
        models: [MODEL],
        retriesPerModel: 1,
        minRetryDelayMs: 1,
        timeoutMs: 5_000,
      }),
      callTool: (name, args) => {
        calls.push({ name, args });
        return Promise.resolve(results[name] ?? { text: `unknown tool ${name}`, isError: true });
      },
      settings: {
        limits: defaultLoopLimits,
        coreTools: ['describe_workload'],
        useNativeToolSearch: false,
        prices: { [MODEL]: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } },
      },
      ...overrides,
    };
  }

  it('loads a skill, searches tools, calls two gateway tools and answers', async () => {
    fake.enqueue(
      anthropicSteps.message(
        [
          { type: 'tool_use', id: 'toolu_1', name: 'load_skill', input: { name: 'kubernetes-triage' } },
          { type: 'tool_use', id: 'toolu_2', name: 'search_tools', input: { query: 'pod logs' } },
        ],
        { stopReason: 'tool_use', usage: { input_tokens: 1000, output_tokens: 50 } },
      ),
      anthropicSteps.message(
        [
          {
            type: 'tool_use',
            id: 'toolu_3',
            name: 'describe_workload',
            input: { name: 'checkout', namespace: 'shop' },
          },
          {
            type: 'tool_use',
            id: 'toolu_4',
            name: 'get_pod_logs',
            input: { name: 'checkout-abc', namespace: 'shop', previous: true },
          },
        ],
        { stopReason: 'tool_use', usage: { input_tokens: 1500, output_tokens: 60, cache_read_input_tokens: 900 } },
      ),
      anthropicSteps.toolUse('submit_answer', finding, { usage: { input_tokens: 2000, output_tokens: 200 } }),
    );
    const before = fake.messageRequests().length;
    const result = await reason(input());
    expect(result.finding.rootCause).toContain('1.4.3');
    expect(result.turns).toBe(3);
    expect(result.toolCalls).toBe(2);
    expect(calls.map((call) => call.name)).toEqual(['describe_workload', 'get_pod_logs']);
    expect(result.skillsLoaded).toEqual(expect.arrayContaining(['image-pull-errors', 'kubernetes-triage']));
    expect(result.usage.inputTokens).toBe(4500);
    expect(result.costUsd).toBeGreaterThan(0);

    const bodies = fake
      .messageRequests()
      .slice(before)
      .map((entry) => entry.body as { tools: Array<{ name: string }>; messages: unknown[] });
    const toolNames = (index: number) => bodies[index]?.tools.map((tool) => tool.name) ?? [];
    expect(toolNames(0)).not.toContain('get_pod_logs');
    expect(toolNames(1)).toContain('get_pod_logs');
    expect(JSON.stringify(bodies[2]?.messages)).toMatch(/untrusted-data-[\w-]+ source=\\"describe_workload\\"/);
  });

  it('feeds a tool error back to the model as an error result', async () => {
    results.describe_workload = {
      text: "No workload named 'chekout'. Closest: checkout. Call find_workloads.",
      isError: true,
    };
    fake.enqueue(
      anthropicSteps.toolUse('describe_workload', { name: 'chekout' }),
      anthropicSteps.toolUse('submit_answer', finding),
    );
    const before = fake.messageRequests().length;
    await reason(input());
    const second = fake.messageRequests()[before + 1]?.body as {
      messages: Array<{ role: string; content: Array<Record<string, unknown>> }>;
    };
    const toolResult = second.messages.at(-1)?.content.find((block) => block.type === 'tool_result');
    expect(toolResult).toMatchObject({ is_error: true });
    expect(JSON.stringify(toolResult)).toContain('Closest: checkout');
  });

  it('stops a looping model at the turn cap, forcing the answer on the last turn', async () => {
    fake.enqueue(anthropicSteps.toolUse('describe_workload', { name: 'checkout' }, { times: Infinity }));
    const before = fake.messageRequests().length;
    await expect(
      reason(input({ settings: { ...input().settings, limits: { ...defaultLoopLimits, maxTurns: 3 } } })),
    ).rejects.toThrow(/within 3 turns/);
    const bodies = fake
      .messageRequests()
      .slice(before)
      .map((entry) => entry.body as { tool_choice?: unknown });
    expect(bodies).toHaveLength(3);
    expect(bodies[0]?.tool_choice).toBeUndefined();
    expect(bodies[2]?.tool_choice).toEqual({ type: 'tool', name: 'submit_answer' });
  });

  it('asks again when the submitted answer does not validate', async () => {
    fake.enqueue(
      anthropicSteps.toolUse('submit_answer', { summary: 'x' }),
      anthropicSteps.toolUse('submit_answer', finding),
    );
    const result = await reason(input());
    expect(result.turns).toBe(2);
  });

  it('never sends a secret from the question, evidence or tool output to the model', async () => {
    fake.enqueue(
      anthropicSteps.toolUse('describe_workload', { name: 'checkout' }),
      anthropicSteps.toolUse('get_pod_logs', { name: 'checkout-abc' }),
      anthropicSteps.toolUse('submit_answer', finding),
    );
    const before = fake.messageRequests().length;
    await reason(input({ settings: { ...input().settings, coreTools: ['describe_workload', 'get_pod_logs'] } }));
    const sent = JSON.stringify(
      fake
        .messageRequests()
        .slice(before)
        .map((entry) => entry.body),
    );
    expect(sent).toContain('[redacted]');
    expect(sent).not.toContain('canarycanary');
  });

  it(
    'with native tool search, offers every gateway tool ' + 'deferred except the core ones, plus the search tool',
    async () => {
      fake.enqueue(anthropicSteps.toolUse('submit_answer', finding));
      const before = fake.messageRequests().length;
      await reason(input({ settings: { ...input().settings, useNativeToolSearch: true } }));
      const body = fake.messageRequests()[before]?.body as {
        tools: Array<{ name: string; type?: string; defer_loading?: boolean }>;
      };
      const byName = new Map(body.tools.map((tool) => [tool.name, tool]));
      expect(byName.get('tool_search_tool_bm25')?.type).toBe('tool_search_tool_bm25_20251119');
      expect(byName.get('describe_workload')?.defer_loading).toBeUndefined();
      expect(byName.get('get_pod_logs')?.defer_loading).toBe(true);
      expect(byName.get('list_policy_violations')?.defer_loading).toBe(true);
      expect(byName.has('search_tools')).toBe(false);
    },
  );
});
