import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { costOf, priceFor } from '../agent/cost.js';
import { modelFamily } from '../agent/model-family.js';
import { defaultModelPrices } from '../config/agent-config.js';
import { packageRoot } from '../package-root.js';
import { defaultAnthropicModels, deprecationOf, modelDeprecations } from './model-catalog.js';

const sdk = join(packageRoot(), 'node_modules', '@anthropic-ai', 'sdk');

describe('model catalog', () => {
  it("lists every deprecation of the installed SDK's table (its table is not exported)", async () => {
    // The SDK does not export the table, so the test reads the built module by path.
    const { DEPRECATED_MODELS } = (await import(pathToFileURL(join(sdk, 'internal', 'data.mjs')).href)) as {
      DEPRECATED_MODELS: Record<string, string>;
    };
    for (const [model, endOfLife] of Object.entries(DEPRECATED_MODELS))
      expect(modelDeprecations[model], model).toBe(endOfLife);
  });

  // Regression: the default claude-sonnet-4-5 reached end of life and the SDK warned on every call.
  it('defaults to models the installed SDK lists as current, none deprecated', () => {
    const modelType =
      /export type Model =([^;]+);/.exec(
        readFileSync(join(sdk, 'resources', 'messages', 'messages.d.ts'), 'utf8'),
      )?.[1] ?? '';
    for (const model of defaultAnthropicModels) {
      expect(modelType, model).toContain(`'${model}'`);
      expect(deprecationOf(model), model).toBeUndefined();
    }
  });

  it('finds the family of dated, Bedrock, Vertex and router ids', () => {
    for (const id of [
      'claude-sonnet-4-5-20250929',
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'claude-sonnet-4-5@20250929',
      'anthropic/claude-sonnet-4-5',
    ])
      expect(modelFamily(id), id).toBe('claude-sonnet-4-5');
    expect(deprecationOf('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe('November 30th, 2026');
  });

  it('prices a dated id by its family (regression: claude-sonnet-4-5-20250929 cost 0)', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 100_000, cacheReadTokens: 0, cacheWriteTokens: 0 };
    expect(costOf(usage, priceFor('claude-sonnet-4-5-20250929', defaultModelPrices))).toBeCloseTo(4.5);
    expect(costOf(usage, priceFor('claude-opus-4-1-20250805', defaultModelPrices))).toBeCloseTo(22.5);
    expect(costOf(usage, priceFor('claude-haiku-5-5', defaultModelPrices))).toBeCloseTo(1.5);
    // An exact entry (SRE_BOT_MODEL_PRICES) wins over the family and the tier.
    const custom = {
      ...defaultModelPrices,
      'claude-sonnet-5-5': { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5 },
    };
    expect(costOf(usage, priceFor('claude-sonnet-5-5', custom))).toBeCloseTo(3);
  });

  it('leaves a model it cannot place unpriced: unknown, not free', () => {
    expect(priceFor('qwen3-coder', defaultModelPrices)).toBeUndefined();
    expect(
      costOf({ inputTokens: 10, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 }, undefined),
    ).toBeUndefined();
  });
});
