import type { ModelUsage } from './ports.js';

/** Bounds of one reasoning loop. */
export interface LoopLimits {
  /** Model turns at most; the last one is forced to submit the answer. */
  maxTurns: number;
  /** Input + output tokens across all turns; once reached, the next turn is the last. */
  tokenBudget: number;
  /** max_tokens per model response. */
  maxTokensPerTurn: number;
}

export const defaultLoopLimits: LoopLimits = { maxTurns: 10, tokenBudget: 150_000, maxTokensPerTurn: 2_048 };

/** True when the coming turn must be the last one (forced answer). */
export function isFinalTurn(turn: number, usage: ModelUsage, limits: LoopLimits): boolean {
  const spent = usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return turn >= limits.maxTurns || spent >= limits.tokenBudget;
}

/** True when the loop has run out of turns without an answer. */
export function isExhausted(turn: number, limits: LoopLimits): boolean {
  return turn > limits.maxTurns;
}
