import { BotError, errorMessage } from '../errors.js';
import { redactText, redactValue } from '../../redaction/index.js';
import { FindingSchema, type Finding } from './answer.js';
import {
  BUILT_IN_TOOLS,
  LOAD_SKILL,
  READ_SKILL_FILE,
  SEARCH_SKILLS,
  SEARCH_TOOLS,
  SUBMIT_ANSWER,
  builtInToolDefinitions,
  gatewayToolDefinition,
  searchTools,
} from './agent-tools.js';
import { addCost, addUsage, costOf, emptyUsage, priceFor } from './cost.js';
import { isExhausted, isFinalTurn, type LoopLimits } from './loop-limits.js';
import type {
  ModelClient,
  ModelContentBlock,
  ModelMessage,
  ModelPrice,
  ModelUsage,
  ProgressListener,
  SkillCatalog,
  ToolCallResult,
  ToolDescriptor,
} from './ports.js';
import { createUntrustedFence, type UntrustedFence } from './untrusted.js';
import type { ConversationTurn } from './conversation.js';

export interface ReasonSettings {
  limits: LoopLimits;
  /** Gateway tools loaded up front; the rest are found with search_tools. */
  coreTools: readonly string[];
  /** Use Anthropic's native tool search (all gateway tools deferred) instead of search_tools. */
  useNativeToolSearch: boolean;
  /** USD per million tokens by model id, family or tier (see priceFor). */
  prices: Readonly<Record<string, ModelPrice>>;
}

export interface ReasonInput {
  question: string;
  /** Resolved entities and the evidence bundle, already rendered as prompt text. */
  context: string;
  /** Earlier turns of the conversation (a follow-up in a thread), oldest first; sent as prior messages. */
  priorTurns?: readonly ConversationTurn[];
  /** Skills whose signals matched, best first; their bodies go into the first message. */
  matchedSkills: readonly string[];
  tools: readonly ToolDescriptor[];
  catalog: SkillCatalog;
  model: ModelClient;
  /** Calls a gateway tool (audited by the caller). */
  callTool: (name: string, args: Record<string, unknown>) => Promise<ToolCallResult>;
  settings: ReasonSettings;
  onProgress?: ProgressListener;
  /** Aborts the model call in flight when the investigation is cancelled. */
  signal?: AbortSignal;
  /** This request's untrusted-data fence (investigate shares one with the evidence it rendered); fresh if absent. */
  fence?: UntrustedFence;
}

export interface ReasonResult {
  finding: Finding;
  usage: ModelUsage;
  /** Null when a model that answered has no price: unknown, not free. */
  costUsd: number | null;
  model: string;
  turns: number;
  toolCalls: number;
  skillsLoaded: string[];
  notes: string[];
}

const SYSTEM_RULES = [
  'You are sre-bot, a senior SRE answering a developer in a Slack support channel about a Kubernetes platform ' +
    'run with Argo CD (GitOps) and Kyverno.',
  'Find the root cause from evidence. Prefer facts from tool results over guesses; name exact objects, fields ' +
    'and values.',
  "Skills are your team's runbooks: follow a loaded skill's Investigate steps and propose its kind of Fix.",
  'Fixes are changes in git (values file, kustomize overlay, manifest), never edits to the Argo CD Application ' +
    'and never kubectl edits in production. You cannot change anything yourself.',
  `When done, call ${SUBMIT_ANSWER} exactly once. Keep evidence to the lines that prove the cause.`,
].join('\n');

/**
 * Earlier turns as alternating messages, so the model reads a follow-up ("what about staging?")
 * in its conversation. Answers are sre-bot's own, questions are the person's; both redacted.
 */
export function conversationMessages(turns: readonly ConversationTurn[], fence: UntrustedFence): ModelMessage[] {
  return turns.flatMap((turn): ModelMessage[] => [
    { role: 'user', content: [{ type: 'text', text: redactText(fence.wrap('slack-question', turn.question)) }] },
    { role: 'assistant', content: [{ type: 'text', text: redactText(turn.answer) }] },
  ]);
}

/** The model loop: skills and tools on demand, bounded by turns and tokens, ending in a validated finding. */
export async function reason(request: ReasonInput): Promise<ReasonResult> {
  const input: ReasonInput & { fence: UntrustedFence } = { ...request, fence: request.fence ?? createUntrustedFence() };
  const { settings, catalog, model } = input;
  const loaded = new Set(
    input.settings.useNativeToolSearch ? input.tools.map((tool) => tool.name) : input.settings.coreTools,
  );
  const skillsLoaded = new Set(input.matchedSkills);
  const notes: string[] = [];
  const system =
    `${SYSTEM_RULES}\n${input.fence.rule}\n\nSkill index (load_skill NAME for the ` +
    `full text):\n${catalog.promptIndex(input.question)}`;
  // Redact the whole first message: evidence and matched skills could carry a credential.
  const messages: ModelMessage[] = [
    ...conversationMessages(input.priorTurns ?? [], input.fence),
    { role: 'user', content: [{ type: 'text', text: redactText(firstMessage(input)) }] },
  ];
  let usage = emptyUsage;
  let costUsd: number | null = 0;
  let toolCalls = 0;

  for (let turn = 1; !isExhausted(turn, settings.limits); turn += 1) {
    const isLast = isFinalTurn(turn, usage, settings.limits);
    input.onProgress?.('reason', isLast ? `reasoning (final turn ${turn})` : `reasoning (turn ${turn})`);
    const response = await model.create({
      system,
      tools: toolDefinitions(input, loaded),
      messages,
      maxTokens: settings.limits.maxTokensPerTurn,
      useNativeToolSearch: settings.useNativeToolSearch,
      ...(isLast ? { forceTool: SUBMIT_ANSWER } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    });
    usage = addUsage(usage, response.usage);
    costUsd = addCost(costUsd, costOf(response.usage, priceFor(response.model, settings.prices)));
    for (const failed of response.failedModels) {
      const note = `Model ${failed} was unavailable; ${response.model} answered instead.`;
      if (!notes.includes(note)) notes.push(note);
    }
    // The model's own turn goes back redacted too: a secret it repeats (from a pasted question) is not resent.
    messages.push({ role: 'assistant', content: redactValue(response.content) });

    const uses = response.content.filter(
      (block): block is Extract<ModelContentBlock, { type: 'tool_use' }> => block.type === 'tool_use',
    );
    if (uses.length === 0) {
      messages.push({ role: 'user', content: [{ type: 'text', text: `Call ${SUBMIT_ANSWER} with your answer.` }] });
      continue;
    }
    const results: ModelContentBlock[] = [];
    for (const use of uses) {
      if (use.name === SUBMIT_ANSWER) {
        const parsed = FindingSchema.safeParse(use.input);
        if (parsed.success) {
          return {
            finding: parsed.data,
            usage,
            costUsd,
            model: response.model,
            turns: turn,
            toolCalls,
            skillsLoaded: [...skillsLoaded],
            notes,
          };
        }
        results.push({
          type: 'tool_result',
          toolUseId: use.id,
          isError: true,
          content:
            `The answer did not validate: ` +
            `${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}. Fix ` +
            `these fields and call ${SUBMIT_ANSWER} again.`,
        });
        continue;
      }
      if (!BUILT_IN_TOOLS.has(use.name)) toolCalls += 1;
      results.push(await runTool(use, input, loaded, skillsLoaded));
    }
    messages.push({ role: 'user', content: results });
  }
  throw new BotError(
    'model_unavailable',
    `the model did not submit an answer within ${settings.limits.maxTurns} turns`,
    { isRetryable: false },
  );
}

function firstMessage(input: ReasonInput & { fence: UntrustedFence }): string {
  const skillTexts = input.matchedSkills
    .map((name) => input.catalog.get(name))
    .filter((skill) => skill !== undefined)
    .map((skill) => `### Skill ${skill.name} (matched the evidence)\n${skill.body}`);
  return [
    `${(input.priorTurns ?? []).length > 0 ? 'Follow-up in the same thread' : 'Question'} from the developer:\n` +
      input.fence.wrap('slack-question', input.question),
    input.context,
    skillTexts.length > 0
      ? `Matched skills:\n\n${skillTexts.join('\n\n')}`
      : 'No skill matched the evidence; use the skill index and load_skill if one fits.',
  ].join('\n\n');
}

function toolDefinitions(input: ReasonInput, loaded: ReadonlySet<string>) {
  const builtIns = builtInToolDefinitions(input.catalog).filter(
    (tool) => !(input.settings.useNativeToolSearch && tool.name === SEARCH_TOOLS),
  );
  if (input.settings.useNativeToolSearch) {
    const core = new Set(input.settings.coreTools);
    return [...builtIns, ...input.tools.map((tool) => gatewayToolDefinition(tool, !core.has(tool.name)))];
  }
  // Core tools keep their order first so the cached prefix stays stable; loaded ones append.
  const ordered = [
    ...input.settings.coreTools,
    ...[...loaded].filter((name) => !input.settings.coreTools.includes(name)),
  ];
  const byName = new Map(input.tools.map((tool) => [tool.name, tool]));
  return [
    ...builtIns,
    ...ordered
      .map((name) => byName.get(name))
      .filter((tool) => tool !== undefined)
      .map((tool) => gatewayToolDefinition(tool)),
  ];
}

async function runTool(
  use: Extract<ModelContentBlock, { type: 'tool_use' }>,
  input: ReasonInput & { fence: UntrustedFence },
  loaded: Set<string>,
  skillsLoaded: Set<string>,
): Promise<ModelContentBlock> {
  const reply = (content: string, isError = false): ModelContentBlock => ({
    type: 'tool_result',
    toolUseId: use.id,
    content,
    ...(isError ? { isError } : {}),
  });
  const args = use.input;
  switch (use.name) {
    case LOAD_SKILL: {
      const skill = input.catalog.get(String(args.name ?? ''));
      if (!skill) return reply(`No skill named "${String(args.name)}". Pick a name from the skill index.`, true);
      skillsLoaded.add(skill.name);
      input.onProgress?.('reason', `loaded skill ${skill.name}`);
      return reply(redactText(skill.body));
    }
    case READ_SKILL_FILE: {
      const text = await input.catalog.readFile(String(args.skill ?? ''), String(args.path ?? ''));
      if (text === undefined) return reply(`No file "${String(args.path)}" in skill "${String(args.skill)}".`, true);
      return reply(redactText(text));
    }
    case SEARCH_SKILLS: {
      const limit = typeof args.limit === 'number' ? args.limit : 5;
      const found = input.catalog.search(String(args.query ?? ''), limit);
      if (found.length === 0) return reply('No skill matched; try other words.', true);
      return reply(found.map((skill) => `- ${skill.name}: ${skill.description}`).join('\n'));
    }
    case SEARCH_TOOLS: {
      const limit = typeof args.limit === 'number' ? args.limit : 5;
      const found = searchTools(input.tools, String(args.query ?? ''), limit);
      if (found.length === 0)
        return reply('No tool matched; try other words (e.g. "logs", "events", "application", "policy").', true);
      for (const tool of found) loaded.add(tool.name);
      return reply(
        found.map((tool) => `- ${tool.name}: ${tool.description}`).join('\n') + '\nThese tools are now callable.',
      );
    }
    default: {
      if (!input.tools.some((tool) => tool.name === use.name)) {
        return reply(`Unknown tool "${use.name}". Use ${SEARCH_TOOLS} to find the right one.`, true);
      }
      input.onProgress?.('reason', `calling ${use.name}`);
      try {
        const result = await input.callTool(use.name, args);
        return reply(input.fence.wrap(use.name, result.text), result.isError);
      } catch (error) {
        // Infrastructure failures become data for the model: it can try another instance or tool.
        return reply(
          `The tool call failed: ${redactText(errorMessage(error))}. Try another tool or instance, or answer ` +
            `with what you have.`,
          true,
        );
      }
    }
  }
}
