import { randomBytes } from 'node:crypto';
import { openScenarioEstate } from '../../../evaluators/runner/scenario-estate.js';
import { McpToolGateway } from '../../gateway-client/mcp-tool-gateway.js';
import { openQueue } from '../../queue/open-queue.js';
import { createInvestigator, investigationSettings, type InvestigationJob } from '../../runtime/investigator.js';
import { parseFlags, writeLine, type Command } from '../command.js';
import { openRuntime } from '../runtime.js';
import { loadScenarioFlag } from '../scenario-flags.js';
import { printOutcome, progressPrinter } from './ask.js';

const NO_MODEL = 'none (deterministic triage; set ANTHROPIC_API_KEY to use a model)';

const USAGE =
  'demo [--scenario NAME | --scenario-file PATH] [--question "..."] [--slack | --fix] [--no-model] [--json]';
const DEFAULT_SCENARIO = 'missing-image-tag';

const SLACK_HINT = [
  'Next: run the same bot in your Slack workspace.',
  '  1. Create a Slack app from deploy/slack-app-manifest.yaml and install it.',
  '  2. export SLACK_BOT_TOKEN=xoxb-... and SLACK_SIGNING_SECRET=... (or SLACK_APP_TOKEN=xapp-... for Socket Mode)',
  '  3. npm run demo -- --slack    (then mention the bot in a channel: "why is checkout failing in prod?")',
  'Add ANTHROPIC_API_KEY to let a model reason over the evidence instead of triage.',
].join('\n');

/**
 * `sre-bot demo`: the whole bot on embedded defaults. Starts a sandbox scenario with its MCP
 * servers and gateway, then asks the scenario's question through the queue and worker path a
 * Slack message takes, with this terminal as the surface. With `--slack` it serves the same
 * estate to a real workspace instead; with `--fix` the bot's own fix heals it (demo-fix.ts).
 */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'Run the whole bot on the sandbox estate in this terminal (or in Slack with --slack): no keys needed.',
  usage: USAGE,
  run: async (argv, io) => {
    const { values } = parseFlags(
      argv,
      {
        scenario: { type: 'string' },
        'scenario-file': { type: 'string' },
        question: { type: 'string' },
        slack: { type: 'boolean' },
        fix: { type: 'boolean' },
        'no-model': { type: 'boolean' },
        json: { type: 'boolean' },
      },
      USAGE,
    );
    const scenario =
      (await loadScenarioFlag(values, io, USAGE)) ??
      (await loadScenarioFlag({ scenario: DEFAULT_SCENARIO }, io, USAGE));
    if (!scenario) return 2;
    if (values.fix) {
      writeLine(
        io.stderr,
        `sre-bot demo --fix: the sandbox estate "${scenario.name}", healed by a fix the bot proposes…`,
      );
      const { demoFix } = await import('./demo-fix.js');
      return demoFix(io, scenario, { question: values.question ?? scenario.question, useModel: !values['no-model'] });
    }
    writeLine(
      io.stderr,
      `sre-bot demo: starting the sandbox estate "${scenario.name}" (simulated clusters, Kyverno, Argo CD ` +
        `instances, git) with its MCP servers and gateway…`,
    );
    const estate = await openScenarioEstate(scenario);
    try {
      writeLine(
        io.stderr,
        `  ${estate.sandbox.clusters.length} clusters, ${estate.sandbox.argocd.length} Argo CD instances, ` +
          `gateway at ${estate.gateway.url}`,
      );
      if (values.slack) {
        const { slackCommand } = await import('./slack.js');
        writeLine(io.stderr, '  serving this estate to Slack; mention the bot in a channel, Ctrl-C to stop');
        return await (slackCommand.run ?? (() => Promise.resolve(2)))([], {
          ...io,
          env: { ...io.env, GATEWAY_URL: estate.gateway.url, GATEWAY_TOKEN: estate.gateway.token },
        });
      }
      return await askInTerminal(io, estate.gateway, values.question ?? scenario.question, {
        useModel: !values['no-model'],
        isJson: values.json === true,
      });
    } finally {
      await estate.close();
    }
  },
};

async function askInTerminal(
  io: Parameters<NonNullable<Command['run']>>[1],
  endpoint: { url: string; token: string },
  question: string,
  options: { useModel: boolean; isJson: boolean },
): Promise<number> {
  const runtime = await openRuntime(io, { useModel: options.useModel, defaultLogLevel: 'warn' });
  const gateway = new McpToolGateway(endpoint);
  const queue = openQueue<InvestigationJob>('investigation', {});
  const progress = progressPrinter(io);
  try {
    writeLine(io.stderr, `  model: ${runtime.model ? runtime.model.models.join(' → ') : NO_MODEL}`);
    writeLine(io.stderr, `\nQuestion: ${question}\n`);
    const investigator = createInvestigator({
      store: runtime.store,
      gateway,
      catalog: runtime.catalog,
      ...(runtime.model ? { model: runtime.model } : {}),
      settings: investigationSettings(runtime.agent),
    });
    // The same path as Slack: enqueue an investigation job, a worker takes it from the queue.
    const done = new Promise<number>((resolve) => {
      queue.process(
        async (job) => {
          const { outcome } = await investigator.run(job.data, progress);
          writeLine(io.stderr, '');
          printOutcome(io, outcome, options.isJson);
          resolve(outcome.kind === 'answer' ? 0 : 1);
        },
        {
          concurrency: 1,
          onDeadLetter: async (job, error) => {
            writeLine(
              io.stderr,
              `Sorry — the investigation failed (trace ${job.data.traceId ?? 'unknown'}): ` +
                `${error instanceof Error ? error.message : String(error)}`,
            );
            resolve(1);
          },
        },
      );
    });
    const traceId = randomBytes(16).toString('hex');
    await queue.enqueue(
      { source: 'cli', question, traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      { idempotencyKey: `demo:${traceId}`, attempts: 1 },
    );
    const code = await done;
    if (!options.isJson) writeLine(io.stderr, `\n${SLACK_HINT}`);
    return code;
  } finally {
    await queue.close();
    await gateway.close();
    await runtime.close();
  }
}
