/**
 * A cheap token estimate (about four characters per token for English prose and markdown).
 * Good enough for budgets and reports; the benchmark compares it with a real tokenizer.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
