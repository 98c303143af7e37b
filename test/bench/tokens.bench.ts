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
        const run = async (settings: InvestigationSettings) => {
          fake.setScript(script(scenario));
          const before = fake.messageRequests().length;
          const outcome = await investigate(
            { question: scenario.question },
            {
              gateway,
              catalog,
              model,
              recorder: { record: () => Promise.resolve() },
              clock: { now: () => Date.now() },
            },
            settings,
          );
          if (outcome.kind !== 'answer' || outcome.answer.mode !== 'model')
            throw new Error(`${name}: the scripted model run did not complete`);
          return inputTokens(fake, before);
        };
        const ours = await run(defaultInvestigationSettings);
        const naive = await run({ ...defaultInvestigationSettings, contextStrategy: 'naive' });
        rows.push({ scenario: name, ours, naive, ratio: ours / naive });
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
  const lines = ['| scenario | ours (input tokens) | naive | ours / naive |', '|---|---:|---:|---:|'];
  for (const row of rows)
    lines.push(`| ${row.scenario} | ${row.ours} | ${row.naive} | ${(row.ratio * 100).toFixed(0)}% |`);
  const ours = rows.reduce((sum, row) => sum + row.ours, 0);
  const naive = rows.reduce((sum, row) => sum + row.naive, 0);
  lines.push(`| **total** | **${ours}** | **${naive}** | **${((ours / naive) * 100).toFixed(0)}%** |`);
  return lines.join('\n');
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
      `request's system + tools + messages)\n\n${formatTokenTable(rows)}\n`,
  );
  const ratio = rows.reduce((sum, row) => sum + row.ours, 0) / rows.reduce((sum, row) => sum + row.naive, 0);
  io.stdout.write(`\ntarget ours/naive <= 30%: ${ratio <= 0.3 ? 'met' : 'NOT met'} (${(ratio * 100).toFixed(1)}%)\n`);
  return 0;
}
