import { errorMessage } from '../errors.js';
import { redactText } from '../../redaction/index.js';
import type { Answer, InvestigationOutcome } from './answer.js';
import { comparedWithPrevious, focusedEvidence, type ConversationContext } from './conversation.js';
import type { ChannelDefaults, Entities } from './entities.js';
import { evidenceFromSections } from './evidence/build-evidence.js';
import { renderSections } from './evidence/prompt-sections.js';
import { defaultGatherBudget, gatherEvidence, type GatherBudget } from './gather.js';
import { defaultLoopLimits } from './loop-limits.js';
import type {
  Clock,
  ModelClient,
  ProgressListener,
  SkillCatalog,
  SkillMatchResult,
  ToolCallRecorder,
  ToolGateway,
} from './ports.js';
import { reason, type ReasonSettings } from './reason.js';
import { resolveEntities } from './resolve.js';
import { ToolCaller } from './tool-caller.js';
import { triage } from './triage.js';
import { byQuestionTopic } from './attribution/question-topic.js';
import { attribute, attributionOf } from './attribution/attribute.js';
import { subjectOf } from './attribution/subject.js';
import { attributeSections, attributeToolResult } from './attribution/prompt-attribution.js';
import { factsOf, sinceOf, type Since } from './diagnosis/facts.js';
import { subjectWords } from './diagnosis/subject-words.js';
import type { GatheredSection } from './evidence/section.js';
import type { EvidenceItem } from '../skills/evidence.js';
import { createUntrustedFence } from './untrusted.js';

export interface InvestigationRequest {
  question: string;
  defaults?: ChannelDefaults;
  /** A follow-up's thread: earlier turns for the model, and the subject to keep when pinned. */
  conversation?: ConversationContext;
  traceId?: string;
  traceparent?: string;
}

export interface InvestigationDeps {
  gateway: ToolGateway;
  catalog: SkillCatalog;
  recorder: ToolCallRecorder;
  clock: Clock;
  /** Absent: deterministic triage only. */
  model?: ModelClient;
  onProgress?: ProgressListener;
  /**
   * Cancels the investigation (an MCP client's notifications/cancelled): no tool or model call
   * starts after it fires, the one in flight is aborted, and `investigate` rejects with its reason.
   */
  signal?: AbortSignal;
}

export interface InvestigationSettings {
  gather: GatherBudget;
  reason: ReasonSettings;
  /** Characters of tool output put in the first prompt. */
  maxContextChars: number;
  /**
   * `progressive` (default): skill index + matched skills, a few core tools, the rest on demand.
   * `naive`: every gateway tool and every skill body up front — the baseline the token benchmark compares against.
   */
  contextStrategy?: 'progressive' | 'naive';
}

export const defaultInvestigationSettings: InvestigationSettings = {
  gather: defaultGatherBudget,
  reason: {
    limits: defaultLoopLimits,
    coreTools: ['describe_workload', 'get_application', 'get_pod_logs', 'list_events'],
    useNativeToolSearch: false,
    prices: {},
  },
  maxContextChars: 24_000,
};

/** The revision the app's failing state came with, when the app was read. */
function sinceFor(entities: Entities, sections: readonly GatheredSection[]): { since?: Since } {
  const section = sections.find(
    (candidate) => candidate.tool === 'get_application' && candidate.target === `app/${entities.app?.name ?? ''}`,
  );
  const data = section?.tool === 'get_application' ? section.read.answers[0]?.data : undefined;
  const since = sinceOf(data);
  return since ? { since } : {};
}

/** Objects of other workloads with problems (warnings, failing policies), at most four, for the notes. */
function otherFailures(neighbours: readonly EvidenceItem[]): string[] {
  const objects = neighbours
    .filter((item) => item.isProblem === true || item.kind === 'event' || item.kind === 'kyverno')
    .map((item) => item.about?.objects.at(-1))
    .filter((key): key is string => key !== undefined);
  return [...new Set(objects)].slice(0, 4);
}

/** The matched skills whose bodies go in the prompt: the best, plus the runner-up only when it is close. */
function promptSkills(matches: readonly SkillMatchResult[]): string[] {
  const [best, second] = matches;
  if (!best) return [];
  return second && second.score >= best.score * 0.6 ? [best.name, second.name] : [best.name];
}

function describeEntities(entities: Entities): string {
  const parts: string[] = [];
  if (entities.app) parts.push(`Argo CD app ${entities.app.name} on ${entities.app.instance}`);
  if (entities.workload)
    parts.push(
      `${entities.workload.kind} ${entities.workload.namespace}/${entities.workload.name} on cluster ` +
        `${entities.workload.cluster}`,
    );
  else if (entities.namespace)
    parts.push(`namespace ${entities.namespace}${entities.cluster ? ` on cluster ${entities.cluster}` : ''}`);
  if (entities.swept) {
    const { unhealthyApps, unhealthyWorkloads, policyViolations } = entities.swept;
    const found =
      `the question names no app, so every instance was checked: ${unhealthyApps} unhealthy Argo CD app(s), ` +
      `${unhealthyWorkloads} workload(s) not ready, ${policyViolations} failing policy result(s)`;
    return parts.length > 0 ? `${parts.join(', ')} (${found})` : `nothing broken found (${found})`;
  }
  return parts.join(', ') || 'nothing specific (no app, workload or namespace matched the question)';
}

/** A re-check's answer: the asked-for evidence first, and how it compares with the previous answer. */
function asFollowUp(answer: Answer, gathered: readonly EvidenceItem[], conversation?: ConversationContext): Answer {
  if (!conversation?.pinned) return answer;
  const { evidence, missing } = focusedEvidence(answer.evidence, gathered, conversation.focus);
  const compared = comparedWithPrevious(conversation.previousRootCause, answer.rootCause);
  const notes = [...(compared ? [compared] : []), ...(missing ? [missing] : []), ...answer.notes];
  return { ...answer, evidence, notes };
}

/**
 * One investigation: resolve → gather → match → reason (or triage) → answer. Never throws for
 * model trouble (it degrades to triage and says so); throws when the gateway itself is
 * unusable, which the worker retries, and when `deps.signal` cancels it.
 */
export async function investigate(
  request: InvestigationRequest,
  deps: InvestigationDeps,
  settings: InvestigationSettings = defaultInvestigationSettings,
): Promise<InvestigationOutcome> {
  const started = deps.clock.now();
  const progress: ProgressListener = deps.onProgress ?? (() => undefined);
  const tools = new ToolCaller(deps.gateway, deps.recorder, {
    now: () => deps.clock.now(),
    ...(request.traceparent ? { traceparent: request.traceparent } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  const stopIfCancelled = () => deps.signal?.throwIfAborted();
  const toolList = await tools.load();

  const pinned = request.conversation?.pinned;
  progress('resolve', pinned ? 'continuing with what this thread is about' : 'resolving what the question is about');
  const resolution = pinned
    ? ({ kind: 'resolved', entities: pinned } as const)
    : await resolveEntities(request.question, tools, request.defaults);
  stopIfCancelled();
  if (resolution.kind === 'ambiguous')
    return {
      kind: 'clarify',
      question: resolution.question,
      options: resolution.options,
      notes: [],
      choices: resolution.choices,
    };
  const { entities } = resolution;
  progress('resolve', `${pinned ? 'same subject as before' : 'resolved'}: ${describeEntities(entities)}`);

  const gathered = await gatherEvidence(entities, tools, {
    budget: settings.gather,
    now: () => deps.clock.now(),
    onProgress: progress,
  });
  stopIfCancelled();
  const subject = subjectOf(entities, gathered.sections);
  const now = deps.clock.now();
  const { relevant: evidence, neighbours } = attribute(evidenceFromSections(gathered.sections, now), subject);

  const matched = deps.catalog.match(evidence);
  // Without a subject only the question's words say which of the namespace's failures it asks about.
  const matches = subject ? matched : byQuestionTopic(matched, request.question);
  progress(
    'match',
    matches.length > 0
      ? `matched skill ${matches[0]?.name ?? ''}${matches.length > 1 ? ` (+${matches.length - 1} more)` : ''}`
      : 'no skill matched the evidence',
  );

  const notes: string[] = [];
  const unreachable = [...new Set([...entities.unreachable, ...gathered.unreachable])];
  if (unreachable.length > 0) notes.push(`Unreachable while investigating: ${unreachable.join(', ')}.`);
  if (entities.alternatives.length > 0)
    notes.push(`Also found: ${entities.alternatives.slice(0, 4).join('; ')} — not investigated.`);
  const others = otherFailures(neighbours);
  if (others.length > 0) notes.push(`Also failing nearby, not related by ownership: ${others.join('; ')}.`);
  if (gathered.skipped > 0) notes.push(`${gathered.skipped} look-ups were skipped to stay within the time budget.`);
  const instances = [...new Set([...(entities.app ? [entities.app.instance] : []), ...gathered.instances])];
  const base = {
    question: request.question,
    instances,
    ...(request.traceId ? { traceId: request.traceId } : {}),
    ...(entities.choices && entities.choices.length > 0 ? { choices: entities.choices } : {}),
  };

  if (deps.model) {
    try {
      // One fence per request: the evidence rendered here and the tool results of the loop share its nonce.
      const fence = createUntrustedFence();
      const context =
        `What the question resolved to: ${describeEntities(entities)}.\n\nEvidence gathered (tool ` +
        `results, namespace-wide lines sorted by ownership):\n` +
        renderSections(attributeSections(gathered.sections, subject, now), settings.maxContextChars, fence.wrap);
      const readOnlyTools = toolList.filter((tool) => tool.isReadOnly);
      const isNaive = settings.contextStrategy === 'naive';
      const result = await reason({
        question: request.question,
        context,
        priorTurns: request.conversation?.turns ?? [],
        fence,
        matchedSkills: isNaive ? deps.catalog.names() : promptSkills(matches),
        tools: readOnlyTools,
        catalog: deps.catalog,
        model: deps.model,
        callTool: async (name, args) =>
          attributeToolResult(name, args, await tools.call(name, args), subject, deps.clock.now()),
        settings: isNaive ? { ...settings.reason, coreTools: readOnlyTools.map((tool) => tool.name) } : settings.reason,
        onProgress: progress,
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      const answer: Answer = {
        ...result.finding,
        ...base,
        mode: 'model',
        skills: result.skillsLoaded,
        notes: [...notes, ...result.notes],
        usage: {
          model: result.model,
          inputTokens: result.usage.inputTokens,
          outputTokens: result.usage.outputTokens,
          cachedTokens: result.usage.cacheReadTokens,
          costUsd: result.costUsd,
          toolCalls: tools.callCount,
          turns: result.turns,
        },
        durationMs: deps.clock.now() - started,
      };
      progress('answer', 'answer ready');
      return { kind: 'answer', answer: asFollowUp(answer, evidence, request.conversation), entities };
    } catch (error) {
      // A cancelled investigation is not a model outage: no triage answer for a caller who left.
      stopIfCancelled();
      notes.push(
        `The model was unavailable (${redactText(errorMessage(error)).slice(0, 160)}); this answer was ` +
          `assembled without it.`,
      );
    }
  }

  stopIfCancelled();
  progress('triage', 'building the answer from matched skills (no model)');
  const finding = triage(request.question, evidence, matches, deps.catalog, {
    swept: entities.swept !== undefined,
    unreachable,
    facts: factsOf(entities, gathered.sections),
    ...sinceFor(entities, gathered.sections),
    ...subjectWords(entities, gathered.sections),
    dependencyLines: new Set(
      subject ? evidence.filter((item) => attributionOf(item, subject) === 'dependency').map((item) => item.text) : [],
    ),
    now: deps.clock.now(),
  });
  if (!deps.model)
    notes.push(
      matches.length > 0
        ? 'No model was used: this answer was assembled from the matched skill and the evidence.'
        : 'No model was used, and no skill matched: this answer only reports what was looked at.',
    );
  const answer: Answer = {
    ...finding,
    ...base,
    mode: 'triage',
    skills: matches.slice(0, 1).map((match) => match.name),
    notes,
    usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, toolCalls: tools.callCount, turns: 0 },
    durationMs: deps.clock.now() - started,
  };
  progress('answer', 'answer ready');
  return { kind: 'answer', answer: asFollowUp(answer, evidence, request.conversation), entities };
}
