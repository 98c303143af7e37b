import { z } from 'zod';
import { EVIDENCE_KINDS } from '../skills/evidence.js';
import type { Choice, Entities } from './entities.js';

/**
 * The answer an investigation produces, whether a model reasoned it or triage assembled it.
 * The model fills `FindingSchema` through the `submit_answer` tool; the pipeline adds the rest.
 */
export const FindingSchema = z.object({
  summary: z.string().min(1).max(800).describe('One or two sentences a developer can act on.'),
  rootCause: z.string().min(1).max(1500).describe('The root cause, naming the exact object, field and value at fault.'),
  evidence: z
    .array(
      z.object({
        text: z.string().min(1).max(600).describe('The observed fact, quoted from a tool result.'),
        source: z.string().min(1).max(200).describe('Where it came from, e.g. argocd/argocd-eu-1/app/checkout.'),
        kind: z.enum(EVIDENCE_KINDS).optional().describe('What the line is: event, log, container_state, argocd, ...'),
      }),
    )
    .min(1)
    .max(12),
  confidence: z.enum(['high', 'medium', 'low']),
  nextSteps: z.array(z.string().min(1).max(400)).max(8),
  fix: z
    .object({
      description: z
        .string()
        .min(1)
        .max(800)
        .describe('What to change in git (values file, overlay, manifest); never the Argo CD Application.'),
      path: z.string().max(300).optional().describe('File in the GitOps repository, when known.'),
      change: z.string().max(1500).optional().describe('The change, e.g. a small YAML snippet or unified diff.'),
    })
    .optional(),
});

export type Finding = z.infer<typeof FindingSchema>;

export interface AnswerUsage {
  model?: string;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** Null when a model that answered has no price (unknown cost, not free). */
  costUsd: number | null;
  toolCalls: number;
  turns: number;
}

/** The stored and rendered answer. */
export interface Answer extends Finding {
  /** `model`: reasoned by a model; `triage`: assembled deterministically from skills and evidence. */
  mode: 'model' | 'triage';
  question: string;
  skills: string[];
  /**
   * The version each skill in `skills` was served at: the skills-repository commit that last
   * touched it, or `sha256:<first 12>` of the file when its folder is not a git work tree.
   */
  skillVersions?: Record<string, string>;
  instances: string[];
  /** Plain notes for people: fallbacks taken, instances unreachable, no model used. */
  notes: string[];
  /**
   * What else could be investigated (the same app in another environment, the next broken app),
   * worst first; the Slack wing renders a button each that asks `question` in the thread.
   */
  choices?: Array<{ label: string; question: string }>;
  usage: AnswerUsage;
  traceId?: string;
  durationMs: number;
}

/**
 * What an investigation ends with: an answer (with the entities it was about, which a
 * conversation keeps for follow-ups), or a clarifying question when truly ambiguous, whose
 * `choices` Slack offers as buttons.
 */
export type InvestigationOutcome =
  | { kind: 'answer'; answer: Answer; entities?: Entities }
  | { kind: 'clarify'; question: string; options: string[]; notes: string[]; choices?: Choice[] };

/** A skill as an answer cites it: `name@version` (a commit is shortened to 12), or the name alone. */
export function citeSkill(answer: Pick<Answer, 'skillVersions'>, name: string): string {
  const version = answer.skillVersions?.[name];
  if (!version) return name;
  return `${name}@${/^[0-9a-f]{40}$/.test(version) ? version.slice(0, 12) : version}`;
}
