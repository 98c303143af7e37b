import { randomBytes } from 'node:crypto';
import type { InvestigationOutcome } from '../../agent/answer.js';
import type { PipelineStep } from '../../agent/ports.js';
import { renderAnswerText } from '../../agent/render/render-text.js';
import { BotError } from '../../errors.js';
import { McpToolGateway } from '../../gateway-client/mcp-tool-gateway.js';
import { createInvestigator, investigationSettings } from '../../runtime/investigator.js';
import { openScenarioEstate, type ScenarioEstate } from '../../../evaluators/runner/scenario-estate.js';
import { parseFlags, UsageError, writeLine, type CliIo, type Command } from '../command.js';
import { openRuntime } from '../runtime.js';
import { loadScenarioFlag } from '../scenario-flags.js';

/** Progress lines on stderr, one per step change ("[gather] gathering 3/7 ..."). */
export function progressPrinter(io: CliIo): (step: PipelineStep, message: string) => void {
  return (step, message) => writeLine(io.stderr, `[${step}] ${message}`);
}

/** Prints an outcome as text or JSON. */
export function printOutcome(io: CliIo, outcome: InvestigationOutcome, isJson: boolean): void {
  if (isJson) writeLine(io.stdout, JSON.stringify(outcome.kind === 'answer' ? outcome.answer : outcome));
  else if (outcome.kind === 'answer') writeLine(io.stdout, renderAnswerText(outcome.answer));
  else writeLine(io.stdout, `${outcome.question}\n${outcome.options.map((option) => `  - ${option}`).join('\n')}`);
}

const usage = 'ask "QUESTION" [--scenario NAME | --scenario-file PATH] [--json] [--no-model]';

export const askCommand: Command = {
  name: 'ask',
  summary: 'Investigate one question and print the answer (with a scenario: against the sandbox estate).',
  usage,
  run: async (argv, io) => {
    const { values, positionals } = parseFlags(
      argv,
      {
        scenario: { type: 'string' },
        'scenario-file': { type: 'string' },
        json: { type: 'boolean' },
        'no-model': { type: 'boolean' },
      },
      usage,
      true,
    );
    const scenario = await loadScenarioFlag(values, io, usage);
    const question = positionals.join(' ').trim() || scenario?.question;
    if (!question) throw new UsageError('give a question, or a scenario whose question to ask', usage);
    const progress = progressPrinter(io);
    const runtime = await openRuntime(io, { useModel: !values['no-model'], defaultLogLevel: 'warn' });
    let estate: ScenarioEstate | undefined;
    let gateway: McpToolGateway | undefined;
    try {
      if (scenario) {
        progress('resolve', `starting the sandbox estate for scenario ${scenario.name}`);
        estate = await openScenarioEstate(scenario);
        gateway = new McpToolGateway({ url: estate.gateway.url, token: estate.gateway.token });
      } else {
        if (!runtime.agent.GATEWAY_URL || !runtime.agent.GATEWAY_TOKEN) {
          throw new BotError(
            'config_invalid',
            'without --scenario, set GATEWAY_URL and GATEWAY_TOKEN to the MCP gateway to investigate',
          );
        }
        gateway = new McpToolGateway({ url: runtime.agent.GATEWAY_URL, token: runtime.agent.GATEWAY_TOKEN });
      }
      if (!runtime.model)
        progress(
          'reason',
          values['no-model'] ? 'model disabled (--no-model): triage only' : 'no ANTHROPIC_API_KEY: triage only',
        );
      const investigator = createInvestigator({
        store: runtime.store,
        gateway,
        catalog: runtime.catalog,
        ...(runtime.model ? { model: runtime.model } : {}),
        settings: investigationSettings(runtime.agent),
      });
      const traceId = randomBytes(16).toString('hex');
      const { outcome } = await investigator.run(
        { source: 'cli', question, traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
        progress,
      );
      printOutcome(io, outcome, values.json === true);
      return 0;
    } finally {
      await gateway?.close();
      await estate?.close();
      await runtime.close();
    }
  },
};
