import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropicModelClient } from '../../bot/model/anthropic-model-client.js';
import { anthropicSteps, startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic/index.js';
import { bundledScenario, startPipeline, type PipelineHarness } from '../support/pipeline.js';

const NEIGHBOUR = 'cart-worker:2.0.0';
const HEADING = 'Not related by ownership';

/**
 * Issue 14, defect 1 on the model path: the model reads namespace-wide results attributed the
 * way triage does. In the missing-image-tag estate another workload of namespace shop is made to
 * fail pulling its image too (a fresh Warning); that line must reach the model marked as a
 * neighbour, below checkout's own lines, both in the gathered context and in a list_events the
 * model calls itself.
 */
describe('the model sees evidence attributed by ownership', () => {
  let anthropic: FakeAnthropic;
  let pipeline: PipelineHarness;

  beforeAll(async () => {
    anthropic = await startFakeAnthropic();
    const model = createAnthropicModelClient({
      apiKey: 'e2e',
      baseURL: anthropic.url,
      models: ['claude-attribution-e2e'],
      retriesPerModel: 1,
      minRetryDelayMs: 1,
      timeoutMs: 10_000,
    });
    const scenario = await bundledScenario('missing-image-tag');
    scenario.noise.events.push({
      cluster: 'prod-eu',
      namespace: 'shop',
      involvedObject: { kind: 'Pod', name: 'cart-worker-6d9f7-x2k4p' },
      reason: 'BackOff',
      message: `Back-off pulling image "registry.example.com/shop/${NEIGHBOUR}"`,
      type: 'Warning',
      count: 14,
      firstSeen: '-40m',
      lastSeen: '-1m',
    });
    pipeline = await startPipeline(scenario, { model });
  });
  afterAll(async () => {
    await pipeline?.close();
    await anthropic?.close();
  });

  /** The text of every user turn and tool result of one request, in order. */
  function userText(body: unknown): string {
    const messages = (body as { messages?: Array<{ role: string; content: unknown }> }).messages ?? [];
    return messages
      .filter((message) => message.role === 'user')
      .map((message) => JSON.stringify(message.content))
      .join('\n');
  }

  it('marks a neighbour in the gathered context and in a result the model asked for', async () => {
    anthropic.setScript([
      anthropicSteps.toolUse('list_events', { namespace: 'shop', type: 'Warning', instance: 'prod-eu' }),
      anthropicSteps.toolUse('submit_answer', {
        summary: 'checkout cannot pull its new image.',
        rootCause: 'The image tag 1.8.3 of registry.example.com/shop/checkout does not exist.',
        evidence: [
          { text: 'Failed to pull image: not found', source: 'describe_workload:prod-eu/deployment/shop/checkout' },
        ],
        confidence: 'high',
        nextSteps: ['Set the tag back to 1.8.2 in the prod-eu overlay.'],
      }),
    ]);
    const before = anthropic.messageRequests().length;
    const { outcome } = await pipeline.investigator.run({
      source: 'eval',
      question: 'why is checkout failing in prod?',
    });
    expect(outcome.kind === 'answer' && outcome.answer.mode).toBe('model');
    const [first, second] = anthropic.messageRequests().slice(before);
    // Gathered context: checkout's pull failures above the heading, the neighbour's below it.
    const context = userText(first?.body);
    const heading = context.indexOf(HEADING);
    expect(heading).toBeGreaterThan(0);
    expect(context.indexOf(NEIGHBOUR)).toBeGreaterThan(heading);
    expect(context.slice(0, heading)).toMatch(/checkout:1\.8\.3/);
    // The model's own list_events comes back attributed the same way.
    const toolResult = userText(second?.body).slice(context.length);
    expect(toolResult).toContain(HEADING);
    expect(toolResult.indexOf(NEIGHBOUR)).toBeGreaterThan(toolResult.indexOf(HEADING));
  });
});
