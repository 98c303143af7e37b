import { modelFamily, modelTier } from './model-family.js';
import type { ModelPrice, ModelUsage } from './ports.js';

/**
 * The price of a model under a table keyed by id, family or tier: the exact id first, then its
 * family (`claude-sonnet-4-5` for a dated or Bedrock id), then its tier (`claude-sonnet`).
 * Undefined when none is listed: the cost is unknown, never free.
 */
export function priceFor(model: string, prices: Readonly<Record<string, ModelPrice>>): ModelPrice | undefined {
  const tier = modelTier(model);
  return prices[model] ?? prices[modelFamily(model)] ?? (tier ? prices[tier] : undefined);
}

/** USD cost of one model response under a price (per million tokens); undefined when the price is unknown. */
export function costOf(usage: ModelUsage, price: ModelPrice | undefined): number | undefined {
  if (!price) return undefined;
  const perToken = (perMillion: number) => perMillion / 1_000_000;
  return (
    usage.inputTokens * perToken(price.input) +
    usage.outputTokens * perToken(price.output) +
    usage.cacheReadTokens * perToken(price.cacheRead) +
    usage.cacheWriteTokens * perToken(price.cacheWrite)
  );
}

/** Adds a response's cost to a running total; one unknown cost makes the total unknown (null). */
export function addCost(total: number | null, cost: number | undefined): number | null {
  return total === null || cost === undefined ? null : total + cost;
}

/** Sums usages. */
export function addUsage(a: ModelUsage, b: ModelUsage): ModelUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  };
}

export const emptyUsage: ModelUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
