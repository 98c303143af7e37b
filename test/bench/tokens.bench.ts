import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getEncoding } from 'js-tiktoken';
import { defaultInvestigationSettings, investigate, type InvestigationSettings } from '../../bot/agent/investigate.js';
import { McpToolGateway } from '../../bot/gateway-client/mcp-tool-gateway.js';
import { createAnthropicModelClient } from '../../bot/model/anthropic-model-client.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import { createSkillCatalog } from '../../bot/skills/catalog.js';
import { openScenarioEstate } from '../../evaluators/runner/scenario-estate.js';
import type { Scenario } from '../../evaluators/sandbox/scenario/scenario-schema.js';
import { anthropicSteps, startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic/index.js';
import { bundledScenario, repositoryRoot } from '../support/pipeline.js';

/** What a benchmark writes to. */
export interface TokensBenchIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface TokenRow {
  scenario: string;
  ours: number;
  naive: number;
  ratio: number;
  /** Wall time and tool calls of our strategy's investigation (scripted model turns). */
  oursMs: number;
  oursToolCalls: number;
  /** Wall time and tool calls of the same question answered without a model (triage, as `eval` runs it). */
  triageMs: number;
  triageToolCalls: number;
}

const MODEL = 'claude-bench';
const encoder = getEncoding('cl100k_base');

/** Input tokens of the requests a run sent (system + tools + messages, as JSON), counted with one tokenizer. */
function inputTokens(fake: FakeAnthropic, from: number): number {
  return fake
    .messageRequests()
    .slice(from)
    .reduce((sum, request) => {
      const body = request.body as { system?: unknown; tools?: unknown; messages?: unknown };
      return (
        sum + encoder.encode(JSON.stringify({ system: body.system, tools: body.tools, messages: body.messages })).length
      );
    }, 0);
}

/** The same two scripted turns for both strategies: one gateway call, then the answer. */
function script(scenario: Scenario) {
  const { app } = scenario.expect;
  return [
    anthropicSteps.toolUse('get_application', { name: app.name, instance: app.instance }),
    anthropicSteps.toolUse('submit_answer', {
      summary: `${app.name} is failing.`,
      rootCause: scenario.expect.rootCause.join('; '),
      evidence: [
        { text: scenario.expect.rootCause[0] ?? 'evidence', source: `argocd/${app.instance}/app/${app.name}` },
      ],
      confidence: 'high',
      nextSteps: ['Fix it in git.'],
    }),
  ];
}

/**
 * Input tokens per investigation of our context strategy (skill index + matched skills, a few
 * core tools, the rest through search_tools) vs the naive one (every gateway tool and every
 * skill body in the prompt), with identical scripted model turns, over every scenario.
 */
export async function measureTokens(
  names: readonly string[],
  onProgress?: (line: string) => void,
): Promise<TokenRow[]> {
  const fake = await startFakeAnthropic();
  const disk = await createSkillCatalog({ roots: [join(repositoryRoot, 'skills')] });
  const catalog = skillCatalogPort(disk);
  const model = createAnthropicModelClient({
    apiKey: 'bench',
    baseURL: fake.url,
    models: [MODEL],
    retriesPerModel: 0,
    minRetryDelayMs: 1,
    timeoutMs: 10_000,
  });
  const rows: TokenRow[] = [];
  try {
    for (const name of names) {
      const scenario = await bundledScenario(name);
      const estate = await openScenarioEstate(scenario);
      const gateway = new McpToolGateway({ url: estate.gateway.url, token: estate.gateway.token });
      try {
        const deps = {
          gateway,
          catalog,
          recorder: { record: () => Promise.resolve() },
          clock: { now: () => Date.now() },
        };
        const run = async (settings: InvestigationSettings) => {
          fake.setScript(script(scenario));
          const before = fake.messageRequests().length;
          const started = performance.now();
          const outcome = await investigate({ question: scenario.question }, { ...deps, model }, settings);
          if (outcome.kind !== 'answer' || outcome.answer.mode !== 'model')
            throw new Error(`${name}: the scripted model run did not complete`);
          const ms = performance.now() - started;
          return { tokens: inputTokens(fake, before), ms, toolCalls: outcome.answer.usage?.toolCalls ?? 0 };
        };
        const triageRun = async () => {
          const started = performance.now();
          const outcome = await investigate({ question: scenario.question }, deps);
          const toolCalls = outcome.kind === 'answer' ? (outcome.answer.usage?.toolCalls ?? 0) : 0;
          return { ms: performance.now() - started, toolCalls };
        };
        const oursRun = await run(defaultInvestigationSettings);
        const naiveRun = await run({ ...defaultInvestigationSettings, contextStrategy: 'naive' });
        const triaged = await triageRun();
        const [ours, naive] = [oursRun.tokens, naiveRun.tokens];
        rows.push({
          scenario: name,
          ours,
          naive,
          ratio: ours / naive,
          oursMs: oursRun.ms,
          oursToolCalls: oursRun.toolCalls,
          triageMs: triaged.ms,
          triageToolCalls: triaged.toolCalls,
        });
        onProgress?.(`${name}: ours ${ours}, naive ${naive} (${((ours / naive) * 100).toFixed(0)}%)`);
      } finally {
        await gateway.close();
        await estate.close();
      }
    }
  } finally {
    await disk.close();
    await fake.close();
  }
  return rows;
}

export function formatTokenTable(rows: readonly TokenRow[]): string {
  const lines = [
    '| scenario | ours (input tokens) | naive | ours / naive | ours wall ms | ours tool calls | triage wall ms ' +
      '| triage tool calls |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows)
    lines.push(
      `| ${row.scenario} | ${row.ours} | ${row.naive} | ${(row.ratio * 100).toFixed(0)}% | ` +
        `${Math.round(row.oursMs)} | ${row.oursToolCalls} | ${Math.round(row.triageMs)} | ${row.triageToolCalls} |`,
    );
  const ours = rows.reduce((sum, row) => sum + row.ours, 0);
  const naive = rows.reduce((sum, row) => sum + row.naive, 0);
  lines.push(`| **total** | **${ours}** | **${naive}** | **${((ours / naive) * 100).toFixed(0)}%** | | | | |`);
  return lines.join('\n');
}

/** The p-th percentile (nearest rank) of some values; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** p50 and p95 over the suite of what one investigation costs: input tokens, wall time, tool calls. */
export function formatPerInvestigation(rows: readonly TokenRow[]): string {
  const line = (label: string, values: number[], unit = '') => {
    const [p50, p95] = [percentile(values, 50), percentile(values, 95)].map(Math.round);
    return `${label.padEnd(28)} p50 ${p50}${unit}  p95 ${p95}${unit}`;
  };
  return [
    `Per investigation over ${rows.length} scenarios:`,
    line(
      'ours input tokens',
      rows.map((row) => row.ours),
    ),
    line(
      'ours wall time',
      rows.map((row) => row.oursMs),
      ' ms',
    ),
    line(
      'ours tool calls',
      rows.map((row) => row.oursToolCalls),
    ),
    line(
      'triage (no model) wall time',
      rows.map((row) => row.triageMs),
      ' ms',
    ),
    line(
      'triage (no model) tool calls',
      rows.map((row) => row.triageToolCalls),
    ),
  ].join('\n');
}

/** `npm run bench -- tokens [SCENARIO...]` */
export async function runTokensBenchmark(io: TokensBenchIo, argv: string[] = []): Promise<number> {
  const all = readdirSync(join(repositoryRoot, 'evaluators', 'scenarios'))
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => file.replace(/\.yaml$/, ''));
  const names = argv.length > 0 ? argv : all;
  const rows = await measureTokens(names, (line) => io.stderr.write(`${line}\n`));
  io.stdout.write(
    `Input tokens per investigation, identical scripted model turns (js-tiktoken cl100k_base over each ` +
      `request's system + tools + messages)\n\n${formatTokenTable(rows)}\n\n${formatPerInvestigation(rows)}\n`,
  );
  const ratio = rows.reduce((sum, row) => sum + row.ours, 0) / rows.reduce((sum, row) => sum + row.naive, 0);
  io.stdout.write(`\ntarget ours/naive <= 30%: ${ratio <= 0.3 ? 'met' : 'NOT met'} (${(ratio * 100).toFixed(1)}%)\n`);
  return 0;
}
