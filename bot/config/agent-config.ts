import { z } from 'zod';
import { booleanVariable, integerVariable, parseEnv, urlVariable, type Env } from './parse-env.js';

/**
 * Default prices, USD per million tokens, keyed by model family or tier (override or extend with
 * SRE_BOT_MODEL_PRICES). A dated, Bedrock or Vertex id is priced by its family
 * (`claude-sonnet-4-5-20250929` as `claude-sonnet-4-5`), then by its tier (`claude-sonnet`).
 * A model none of these match has an unknown cost, recorded as such, never as free.
 */
export const defaultModelPrices: Record<
  string,
  { input: number; output: number; cacheRead: number; cacheWrite: number }
> = {
  'claude-opus': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-haiku': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'claude-haiku-3-5': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
};

const priceSchema = z.record(
  z.string(),
  z.object({
    input: z.number().min(0),
    output: z.number().min(0),
    cacheRead: z.number().min(0),
    cacheWrite: z.number().min(0),
  }),
);

/** The investigation pipeline's settings: model, budgets, skills, gateway. */
export const agentConfigSchema = z.object({
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: urlVariable(['http:', 'https:']).optional(),
  /** Which API unprefixed SRE_BOT_MODELS entries go to. */
  SRE_BOT_MODEL_PROVIDER: z.enum(['anthropic', 'bedrock', 'vertex', 'openai']).default('anthropic'),
  /**
   * Primary model, then fallbacks, each optionally `provider:model` (`bedrock:anthropic.claude-…`,
   * `openai:qwen3`). Unset: the SDK's current models on Anthropic's API or Vertex (see model-catalog).
   */
  SRE_BOT_MODELS: z
    .string()
    .optional()
    .transform((value) =>
      value
        ?.split(',')
        .map((model) => model.trim())
        .filter(Boolean),
    )
    .refine((models) => models === undefined || models.length > 0, 'must name at least one model'),
  SRE_BOT_MODEL_PRICES: z
    .string()
    .optional()
    .transform((value, context) => {
      if (!value) return defaultModelPrices;
      try {
        const parsed = priceSchema.safeParse(JSON.parse(value));
        if (parsed.success) return { ...defaultModelPrices, ...parsed.data };
      } catch {
        // fall through to the issue below
      }
      context.addIssue({
        code: 'custom',
        message: 'must be JSON like {"model":{"input":3,"output":15,"cacheRead":0.3,"cacheWrite":3.75}}',
      });
      return z.NEVER;
    }),
  AWS_REGION: z.string().min(1).optional(),
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  AWS_SESSION_TOKEN: z.string().min(1).optional(),
  AWS_BEARER_TOKEN_BEDROCK: z.string().min(1).optional(),
  ANTHROPIC_BEDROCK_BASE_URL: urlVariable(['http:', 'https:']).optional(),
  ANTHROPIC_VERTEX_PROJECT_ID: z.string().min(1).optional(),
  CLOUD_ML_REGION: z.string().min(1).optional(),
  ANTHROPIC_VERTEX_BASE_URL: urlVariable(['http:', 'https:']).optional(),
  OPENAI_BASE_URL: urlVariable(['http:', 'https:']).optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  SRE_BOT_MAX_TURNS: integerVariable(10),
  SRE_BOT_TOKEN_BUDGET: integerVariable(150_000),
  SRE_BOT_MODEL_RETRIES: integerVariable(2),
  SRE_BOT_NATIVE_TOOL_SEARCH: booleanVariable(false),
  GATEWAY_URL: urlVariable(['http:', 'https:']).optional(),
  GATEWAY_TOKEN: z.string().min(1).optional(),
});

export type AgentConfig = Readonly<z.infer<typeof agentConfigSchema>>;

/** Loads the pipeline settings from a literal env object. */
export function loadAgentConfig(env: Env): AgentConfig {
  return parseEnv(agentConfigSchema, env, 'agent');
}
