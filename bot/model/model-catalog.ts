/**
 * What the bot knows about model ids: the current defaults, the SDK's deprecation table and the
 * deprecated models' end-of-life dates.
 */
import { modelFamily } from '../agent/model-family.js';

/** The defaults of SRE_BOT_MODELS on Anthropic's API: the SDK's current Sonnet, then its current Haiku. */
export const defaultAnthropicModels: readonly string[] = ['claude-sonnet-5-5', 'claude-haiku-5-5'];

/**
 * End-of-life dates of deprecated models, as `@anthropic-ai/sdk` lists them (its table is not
 * exported; a test keeps this copy in step with the installed SDK). Ids that already reached end
 * of life stay listed so a stale configuration is named in the logs.
 */
export const modelDeprecations: Readonly<Record<string, string>> = Object.freeze({
  'claude-mythos-preview': 'June 30th, 2026',
  'claude-sonnet-4-5': 'November 30th, 2026',
  'claude-sonnet-4-5-20250929': 'November 30th, 2026',
  'claude-opus-4-5': 'January 22nd, 2027',
  'claude-opus-4-5-20251101': 'January 22nd, 2027',
});

/** The end-of-life date of a deprecated model (any id form of it), or undefined. */
export function deprecationOf(model: string): string | undefined {
  return modelDeprecations[model] ?? modelDeprecations[modelFamily(model)];
}
