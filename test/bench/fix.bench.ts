import { join } from 'node:path';
import { McpToolGateway } from '../../bot/gateway-client/mcp-tool-gateway.js';
import { createStoreApprovalChecker } from '../../bot/fix/approval-checker.js';
import type { FixNotifier } from '../../bot/fix/ports.js';
import { createInvestigator } from '../../bot/runtime/investigator.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import { createSkillCatalog } from '../../bot/skills/catalog.js';
import { migrate } from '../../bot/store/migrate.js';
import { createPgliteDatabase } from '../../bot/store/pglite-database.js';
import { createStore } from '../../bot/store/store.js';
import { createLogger } from '../../bot/telemetry/logger.js';
import {
  listScenarioFiles,
  loadScenarioByName,
  loadScenarioFile,
} from '../../evaluators/sandbox/scenario/load-scenario.js';
import type { Scenario } from '../../evaluators/sandbox/scenario/scenario-schema.js';
import { openFixEstate } from '../../evaluators/runner/fix-estate.js';
import { createSandboxFixLoop, sandboxFixSettings } from '../../evaluators/runner/sandbox-fix-loop.js';
import type { BenchmarkIo } from './slack.bench.js';

/**
 * `npm run bench -- fix`: for every bundled scenario whose fault lives in git, the bot's own loop
 * over the sandbox: triage answer → plan → pull request on the fake GitHub → verify → (approval, not
 * timed) → merge → sync through the gateway with an approval record → watch until Healthy.
 * Reports each stage's time, the end-to-end time without the human click, and how many plans
 * healed the estate; for the rest, why no plan was offered. Options: --scenario NAME, --json.
 */

const STAGES = ['plan', 'pr', 'verify', 'merge', 'sync', 'healthy'] as const;

export interface FixScenarioResult {
  scenario: string;
  outcome: 'healed' | 'handoff' | 'failed';
  recipe?: string;
  reason?: string;
  stagesMs: Partial<Record<(typeof STAGES)[number], number>>;
  totalMs: number;
}

function collectingNotifier(): FixNotifier & { said: string[] } {
  const said: string[] = [];
  const note = (text: string) => {
    said.push(text);
    return Promise.resolve();
  };
  return {
    said,
    proposal: () => Promise.resolve(),
    say: (_place, text) => note(text),
    whisper: (_p, _u, text) => note(text),
    offerRca: () => Promise.resolve(),
  };
}

async function runScenario(scenario: Scenario, skillsRoot: string): Promise<FixScenarioResult> {
  const db = await createPgliteDatabase();
  await migrate(db);
  const store = createStore(db);
  const estate = await openFixEstate(scenario, createStoreApprovalChecker(store.approvals));
  const reader = new McpToolGateway({ url: estate.gateway.url, token: estate.gateway.token });
  const writer = new McpToolGateway({ url: estate.gateway.url, token: estate.writerToken });
  const skills = await createSkillCatalog({ roots: [skillsRoot] });
  try {
    const investigator = createInvestigator({ store, gateway: reader, catalog: skillCatalogPort(skills) });
    const { id } = await investigator.run({ source: 'eval', question: scenario.question });
    const notifier = collectingNotifier();
    const loop = createSandboxFixLoop(estate, {
      store,
      reader,
      writer,
      notifier,
      approvers: { isApprover: () => Promise.resolve(true), describe: () => 'on-call' },
      settings: sandboxFixSettings({
        approvalTtlMs: 600_000,
        watch: { timeoutMs: 30_000, intervalMs: 100, degradedReads: 50 },
        mergeabilityPollMs: 25,
        labels: ['sre-bot'],
        threadLink: () => 'bench',
      }),
      logger: createLogger({ level: 'silent' }),
    });
    const done = await loop.run({
      investigationId: id,
      requester: 'UREQUESTER',
      approver: 'UONCALL',
      place: { channel: 'CBENCH', thread: '1.0' },
    });
    if (!done)
      return {
        scenario: scenario.name,
        outcome: 'handoff',
        reason: notifier.said.at(-1) ?? '',
        stagesMs: {},
        totalMs: 0,
      };
    const stagesMs = Object.fromEntries(
      STAGES.flatMap((stage) => (done?.stages[stage] === undefined ? [] : [[stage, done.stages[stage]]])),
    );
    const totalMs = Object.values(stagesMs).reduce((sum, ms) => sum + ms, 0);
    const recipe = String((done?.plan as { recipe?: unknown } | undefined)?.recipe ?? '');
    if (done?.status === 'healthy') return { scenario: scenario.name, outcome: 'healed', recipe, stagesMs, totalMs };
    return {
      scenario: scenario.name,
      outcome: 'failed',
      recipe,
      reason: done?.error ?? notifier.said.at(-1) ?? '',
      stagesMs,
      totalMs,
    };
  } finally {
    await skills.close();
    await reader.close();
    await writer.close();
    await estate.close();
    await store.close();
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export async function runFixBenchmark(io: BenchmarkIo, argv: string[] = []): Promise<number> {
  const root = join(import.meta.dirname, '..', '..');
  const dir = join(root, 'evaluators', 'scenarios');
  const only = argv.includes('--scenario') ? argv[argv.indexOf('--scenario') + 1] : undefined;
  const scenarios = only
    ? [await loadScenarioByName(dir, only)]
    : await Promise.all((await listScenarioFiles(dir)).map((file) => loadScenarioFile(file)));
  const results: FixScenarioResult[] = [];
  for (const scenario of scenarios) {
    const fix = scenario.expect.heal;
    if (!fix || fix.edits.length === 0 || !scenario.expect.healthyAfterFix) continue;
    const result = await runScenario(scenario, join(root, 'skills'));
    results.push(result);
    io.stderr.write(`${result.scenario}: ${result.outcome}${result.reason ? ` — ${result.reason}` : ''}\n`);
  }
  if (argv.includes('--json')) {
    io.stdout.write(`${JSON.stringify(results)}\n`);
    return 0;
  }
  const healed = results.filter((result) => result.outcome === 'healed');
  const share = Math.round((100 * healed.length) / Math.max(1, results.length));
  const row = (cells: string[], stages: string[]) =>
    `${(cells[0] ?? '').padEnd(30)}${(cells[1] ?? '').padEnd(9)}${(cells[2] ?? '').padEnd(14)}` +
    stages.map((cell) => cell.padStart(9)).join('');
  const stageCells = (result: FixScenarioResult) => [
    ...STAGES.map((stage) => (result.stagesMs[stage] === undefined ? '-' : `${result.stagesMs[stage]}ms`)),
    `${result.totalMs}ms`,
  ];
  const lines = [
    `fix loop over ${results.length} scenarios whose fault lives in git: ${healed.length} healed (${share} %)`,
    '',
    row(['scenario', 'outcome', 'recipe'], [...STAGES, 'total']),
    ...results.map((result) => row([result.scenario, result.outcome, result.recipe ?? '-'], stageCells(result))),
    '',
    ...STAGES.map((stage) => {
      const sorted = healed.map((result) => result.stagesMs[stage] ?? 0).sort((a, b) => a - b);
      return `${stage.padEnd(8)} p50 ${percentile(sorted, 50)} ms  max ${sorted.at(-1) ?? 0} ms`;
    }),
    `end to end (no human click) p50 ${percentile(
      healed.map((r) => r.totalMs).sort((a, b) => a - b),
      50,
    )} ms, max ${Math.max(0, ...healed.map((r) => r.totalMs))} ms (goal < 30000 ms)`,
    '',
    ...results
      .filter((result) => result.outcome !== 'healed')
      .map((result) => `not healed: ${result.scenario}: ${result.reason ?? ''}`),
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
