import { z } from 'zod';
import { booleanVariable, integerVariable, parseEnv, urlVariable, type Env } from './parse-env.js';

/** Default price table, USD per million tokens (override with SRE_BOT_MODEL_PRICES). */
export const defaultModelPrices: Record<
  string,
  { input: number; output: number; cacheRead: number; cacheWrite: number }
> = {
  'claude-sonnet-4-5': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
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
  SRE_BOT_MODELS: z
    .string()
    .default('claude-sonnet-4-5,claude-haiku-4-5')
    .transform((value) =>
      value
        .split(',')
        .map((model) => model.trim())
        .filter(Boolean),
    )
    .refine((models) => models.length > 0, 'must name at least one model'),
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
