import { z } from 'zod';

/**
 * The `investigate` tool's structured result (its MCP outputSchema): the answer the Slack thread
 * shows, as data. Looser than FindingSchema on lengths, so a long triage answer still validates.
 */
const answerOutput = z.object({
  mode: z.enum(['model', 'triage']).describe('model: a model reasoned it; triage: assembled from skills and evidence'),
  summary: z.string(),
  rootCause: z.string(),
  confidence: z.enum(['high', 'medium', 'low']),
  evidence: z.array(z.object({ text: z.string(), source: z.string(), kind: z.string().optional() })),
  nextSteps: z.array(z.string()),
  fix: z.object({ description: z.string(), path: z.string().optional(), change: z.string().optional() }).optional(),
  skills: z.array(z.string()),
  skillVersions: z
    .record(z.string(), z.string())
    .optional()
    .describe('The version each skill was served at: the skills-repository commit, or sha256:<hash>'),
  instances: z.array(z.string()),
  notes: z.array(z.string()),
  usage: z.object({
    model: z.string().optional(),
    inputTokens: z.number(),
    outputTokens: z.number(),
    cachedTokens: z.number(),
    costUsd: z.number().nullable().describe('null when the model has no configured price'),
    toolCalls: z.number(),
    turns: z.number(),
  }),
  durationMs: z.number(),
});

/** Either an answer or the clarifying question the bot asks when the question is ambiguous. */
export const investigateOutputSchema = z.object({
  investigationId: z.string(),
  traceId: z.string(),
  outcome: z.enum(['answer', 'clarify']),
  answer: answerOutput.optional(),
  clarify: z.object({ question: z.string(), options: z.array(z.string()), notes: z.array(z.string()) }).optional(),
});

export type InvestigateOutput = z.infer<typeof investigateOutputSchema>;
