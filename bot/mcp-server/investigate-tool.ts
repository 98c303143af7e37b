import { randomBytes } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { InvestigationOutcome } from '../agent/answer.js';
import type { PipelineStep } from '../agent/ports.js';
import { renderAnswerText } from '../agent/render/render-text.js';
import { errorMessage } from '../errors.js';
import type { Investigator } from '../runtime/investigator.js';
import type { Logger } from '../telemetry/logger.js';
import { investigateOutputSchema, type InvestigateOutput } from './investigate-output.js';

const inputSchema = z.object({
  question: z.string().trim().min(3).max(2_000).describe('What is wrong, in plain words, as you would ask in Slack.'),
  instance: z.string().min(1).max(100).optional().describe('Argo CD instance to look in first (e.g. argocd-eu-1).'),
  cluster: z.string().min(1).max(100).optional().describe('Kubernetes cluster to look in first (e.g. prod-eu).'),
});

function toOutput(id: string, traceId: string, outcome: InvestigationOutcome): InvestigateOutput {
  if (outcome.kind === 'answer') {
    const { question: _question, traceId: _trace, ...answer } = outcome.answer;
    return { investigationId: id, traceId, outcome: 'answer', answer };
  }
  const { question, options, notes } = outcome;
  return { investigationId: id, traceId, outcome: 'clarify', clarify: { question, options, notes } };
}

function toText(outcome: InvestigationOutcome): string {
  if (outcome.kind === 'answer') return renderAnswerText(outcome.answer);
  return `${outcome.question}\n${outcome.options.map((option) => `  - ${option}`).join('\n')}`;
}

/**
 * `investigate`: the question Slack would get, answered by the same pipeline (read-only tools
 * through the gateway, audited, secrets redacted). Progress notifications follow the pipeline's
 * steps when the caller sent a progress token; the answer comes back as structuredContent.
 */
export function registerInvestigateTool(
  server: McpServer,
  deps: { services: () => Promise<{ investigator: Investigator }>; logger: Logger },
): void {
  server.registerTool(
    'investigate',
    {
      title: 'Investigate a platform problem',
      description:
        'Investigates a Kubernetes / Argo CD / Kyverno problem like the Slack bot does: gathers evidence with ' +
        'read-only tools, matches skills, and returns the root cause, evidence, confidence and next steps. ' +
        'Takes up to a few minutes; sends progress notifications.',
      inputSchema,
      outputSchema: investigateOutputSchema,
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    async (args, extra) => {
      const traceId = randomBytes(16).toString('hex');
      const token = extra._meta?.progressToken;
      let progress = 0;
      const onProgress = (step: PipelineStep, message: string) => {
        if (token === undefined) return;
        progress += 1;
        void extra
          .sendNotification({
            method: 'notifications/progress',
            params: { progressToken: token, progress, message: `[${step}] ${message}` },
          })
          .catch((error: unknown) => deps.logger.debug({ event: 'mcp-progress-fail', err: errorMessage(error) }));
      };
      const defaults = {
        ...(args.cluster ? { cluster: args.cluster } : {}),
        ...(args.instance ? { argocdInstance: args.instance } : {}),
      };
      try {
        const { investigator } = await deps.services();
        const { id, outcome } = await investigator.run(
          {
            source: 'api',
            question: args.question,
            traceId,
            traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
            ...(Object.keys(defaults).length > 0 ? { defaults } : {}),
          },
          onProgress,
          undefined,
          // notifications/cancelled from the client aborts this signal: the pipeline stops its calls.
          { signal: extra.signal },
        );
        const structured = toOutput(id, traceId, outcome);
        return { content: [{ type: 'text', text: toText(outcome) }], structuredContent: structured };
      } catch (error) {
        if (extra.signal.aborted) {
          // The SDK sends no response to a cancelled request; this result only ends the handler.
          deps.logger.info({ event: 'mcp-investigate-cancelled', traceId }, 'the client cancelled the investigation');
          return { isError: true, content: [{ type: 'text', text: `Cancelled (trace ${traceId}).` }] };
        }
        deps.logger.error({ event: 'mcp-investigate-fail', traceId, err: errorMessage(error) }, 'investigation failed');
        return {
          isError: true,
          content: [{ type: 'text', text: `The investigation failed; try again in a minute (trace ${traceId}).` }],
        };
      }
    },
  );
}
