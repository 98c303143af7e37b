import { openFixEstate } from '../../../evaluators/runner/fix-estate.js';
import { createSandboxFixLoop, sandboxFixSettings } from '../../../evaluators/runner/sandbox-fix-loop.js';
import type { Scenario } from '../../../evaluators/sandbox/scenario/scenario-schema.js';
import { createStoreApprovalChecker } from '../../fix/approval-checker.js';
import type { FixNotifier } from '../../fix/ports.js';
import { healProofLine, renderedDiffText } from '../../fix/verify-fix.js';
import { McpToolGateway } from '../../gateway-client/mcp-tool-gateway.js';
import { createInvestigator, investigationSettings } from '../../runtime/investigator.js';
import { renderAnswerText } from '../../agent/render/render-text.js';
import { writeLine, type CliIo } from '../command.js';
import { openRuntime } from '../runtime.js';
import { progressPrinter } from './ask.js';

const REQUESTER = 'demo-developer';
const ONCALL = 'demo-oncall';

/** The fix loop's messages as terminal lines. */
function terminalNotifier(io: CliIo): FixNotifier {
  return {
    proposal: (_place, view) => {
      const edits = view.plan.edits.map((edit) => `    ${edit.file} ${edit.path}: ${edit.before} → ${edit.after}`);
      const rendered = renderedDiffText(view.verification, 30)
        .split('\n')
        .map((line) => `    ${line}`);
      writeLine(
        io.stderr,
        [
          `[fix] proposed: ${view.plan.title}`,
          `    ${view.plan.rationale}`,
          ...edits,
          `  rendered by Argo CD at ${view.verification.revision.slice(0, 7)}, against live:`,
          ...rendered,
          `  dry run: ${view.verification.dryRun.status}; pull request #${view.pullRequest.number} ` +
            `${view.pullRequest.url}`,
          ...(healProofLine(view.verification) ? [`  ${healProofLine(view.verification) ?? ''}`] : []),
        ].join('\n'),
      );
      return Promise.resolve();
    },
    say: (_place, text) => {
      writeLine(io.stderr, `[fix] ${text}`);
      return Promise.resolve();
    },
    whisper: (_place, user, text) => {
      writeLine(io.stderr, `[fix] (to ${user}) ${text}`);
      return Promise.resolve();
    },
    offerRca: (_place, investigationId) => {
      writeLine(io.stderr, `[fix] next: sre-bot rca draft ${investigationId}   (the RCA, drafted from the records)`);
      return Promise.resolve();
    },
  };
}

/**
 * `sre-bot demo --fix`: the scenario's question is answered, then the bot's own fix goes the
 * whole loop on the sandbox: plan → pull request on a local fake GitHub over the sandbox's git
 * repository → verify (Argo CD render, dry run) → approval (simulated, and said so) → merge →
 * sync through the gateway with an approval record → watched until Healthy. Exit 0 when healed.
 */
export async function demoFix(
  io: CliIo,
  scenario: Scenario,
  options: { question: string; useModel: boolean },
): Promise<number> {
  const runtime = await openRuntime(io, { useModel: options.useModel, inMemoryStore: true, defaultLogLevel: 'warn' });
  const estate = await openFixEstate(scenario, createStoreApprovalChecker(runtime.store.approvals));
  const reader = new McpToolGateway({ url: estate.gateway.url, token: estate.gateway.token });
  const writer = new McpToolGateway({ url: estate.gateway.url, token: estate.writerToken });
  try {
    writeLine(io.stderr, `  fake GitHub over the sandbox's git repository at ${estate.github.url}`);
    writeLine(io.stderr, `\nQuestion: ${options.question}\n`);
    const investigator = createInvestigator({
      store: runtime.store,
      gateway: reader,
      catalog: runtime.catalog,
      ...(runtime.model ? { model: runtime.model } : {}),
      settings: investigationSettings(runtime.agent),
    });
    const { id, outcome } = await investigator.run({ source: 'cli', question: options.question }, progressPrinter(io));
    if (outcome.kind !== 'answer') {
      writeLine(io.stderr, 'The question needs a clarification first; no fix proposed.');
      return 1;
    }
    writeLine(io.stdout, renderAnswerText(outcome.answer));
    const loop = createSandboxFixLoop(estate, {
      store: runtime.store,
      reader,
      writer,
      notifier: terminalNotifier(io),
      approvers: {
        isApprover: (user) => Promise.resolve(user === ONCALL),
        describe: () => `${ONCALL} (simulated on-call)`,
      },
      settings: sandboxFixSettings({
        watch: { timeoutMs: 60_000, intervalMs: 250, degradedReads: 40 },
        mergeabilityPollMs: 100,
        threadLink: () => '(terminal demo)',
      }),
      ...(runtime.model ? { model: runtime.model } : {}),
      logger: runtime.logger,
    });
    writeLine(io.stderr, `\n[fix] ${REQUESTER} presses "Propose fix"…`);
    const done = await loop.run({
      investigationId: id,
      requester: REQUESTER,
      approver: ONCALL,
      place: { channel: 'terminal', thread: 'demo' },
      beforeApproval: () =>
        writeLine(
          io.stderr,
          `[fix] APPROVAL SIMULATED: ${ONCALL} presses "Approve and merge" (in Slack, on-call does)`,
        ),
    });
    return done?.status === 'healthy' ? 0 : 1;
  } finally {
    await reader.close();
    await writer.close();
    await estate.close();
    await runtime.close();
  }
}
