import type { WebClient } from '@slack/web-api';
import { errorMessage } from '../errors.js';
import type { Logger } from '../telemetry/logger.js';
import { slackErrorCode } from './slack-api-error.js';
import type { SlackMessagesRepository } from './slack-messages-repository.js';

/** Options of {@link createStatusSweeper}. */
export interface StatusSweeperDeps {
  client: WebClient;
  messages: SlackMessagesRepository;
  logger: Logger;
  /** Time between passes (default 10 s). */
  intervalMs?: number;
  /** A finished investigation's status is left alone this long, for its own worker (default 20 s). */
  graceMs?: number;
}

/**
 * Clears status messages that still say "Looking into it…" after their investigation finished:
 * the worker that posted the answer could not remove the status (Slack refused, or the worker
 * died in between). Runs in every worker; after a restart the first pass settles what the
 * previous process left. A status that is the answer itself is only marked settled.
 */
export function createStatusSweeper(deps: StatusSweeperDeps) {
  const intervalMs = deps.intervalMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let isStopped = false;

  async function runOnce(): Promise<number> {
    let settled = 0;
    for (const stale of await deps.messages.listUnsettled(deps.graceMs ?? 20_000)) {
      const isAnswer = stale.answerTs === stale.statusTs;
      if (!isAnswer) {
        try {
          await deps.client.chat.delete({ channel: stale.channel, ts: stale.statusTs });
        } catch (error) {
          // Already gone counts as cleared; anything else waits for the next pass.
          if (slackErrorCode(error) !== 'message_not_found') continue;
        }
      }
      await deps.messages.settleStatus(stale.investigationId);
      settled += 1;
    }
    return settled;
  }

  function schedule(): void {
    if (isStopped) return;
    timer = setTimeout(() => {
      running = runOnce()
        .catch((error: unknown) =>
          deps.logger.warn({ event: 'status-sweep-failed', err: error }, `status sweep failed: ${errorMessage(error)}`),
        )
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  }

  return {
    runOnce,
    start(): void {
      isStopped = false;
      // The first pass right away: a restart is when stale statuses are most likely.
      running = runOnce()
        .catch(() => undefined)
        .finally(schedule);
    },
    async stop(): Promise<void> {
      isStopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
