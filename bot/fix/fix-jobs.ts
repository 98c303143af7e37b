import type { JobQueue, JobWorker } from '../queue/queue.js';
import type { FixService } from './fix-service.js';

/** The `fix` queue: what the Slack listeners enqueue and the fix worker runs. */
export const FIX_QUEUE = 'fix';

export type FixJob =
  | { kind: 'propose'; investigationId: string; user: string; channel: string; thread: string; traceparent?: string }
  | { kind: 'decide'; proposalId: string; user: string; isApproved: boolean; channel: string; thread: string }
  | { kind: 'watch'; proposalId: string };

/** Runs fix jobs; a watch job's AbortSignal fires when the worker closes, leaving the row to resume. */
export function startFixWorker(
  queue: JobQueue<FixJob>,
  service: FixService,
  options: { concurrency?: number } = {},
): JobWorker {
  const stopping = new AbortController();
  const worker = queue.process(
    async ({ data }) => {
      if (data.kind === 'propose')
        return service.propose({
          investigationId: data.investigationId,
          user: data.user,
          place: { channel: data.channel, thread: data.thread },
          ...(data.traceparent ? { traceparent: data.traceparent } : {}),
        });
      if (data.kind === 'decide')
        return service.decide({
          proposalId: data.proposalId,
          user: data.user,
          isApproved: data.isApproved,
          place: { channel: data.channel, thread: data.thread },
        });
      return service.watch(data.proposalId, stopping.signal);
    },
    { concurrency: options.concurrency ?? 4 },
  );
  return {
    close: async () => {
      stopping.abort();
      await worker.close();
    },
  };
}
