import { randomBytes } from 'node:crypto';
import type { App, SlashCommand } from '@slack/bolt';
import type { types } from '@slack/bolt';
import type { Investigation } from '../store/investigations-repository.js';
import { ActionId, escapeMrkdwn } from './answer-blocks.js';
import { draftInThread, type RcaSlackDeps } from './rca-actions.js';

/** What `/sre rca` answers the person with (ephemeral): a sentence, and buttons when it asks which. */
export interface RcaCommandReply {
  text: string;
  blocks?: Array<types.KnownBlock | types.Block>;
}

/** How many threads "which one?" offers. */
const CHOICES = 5;
/** Answered investigations looked at for "the latest in this channel". */
const RECENT = 50;

/** A refusal the person can act on: one plain sentence and the trace id of the log line. */
class RcaCommandRefusal extends Error {}

/** A Slack message link (`…/archives/C…/p1795860600000100[?thread_ts=…]`) as channel and thread ts. */
export function threadOfLink(text: string): { channel: string; thread: string } | undefined {
  let url: URL;
  try {
    url = new URL(text.replace(/^<|>$/g, '').split('|')[0] ?? '');
  } catch {
    return undefined;
  }
  const match = /\/archives\/([A-Z0-9]+)\/p(\d{10})(\d{6})$/.exec(url.pathname);
  if (!match?.[1]) return undefined;
  const threadTs = url.searchParams.get('thread_ts');
  return { channel: match[1], thread: threadTs && /^\d+\.\d+$/.test(threadTs) ? threadTs : `${match[2]}.${match[3]}` };
}

/** The latest answered investigation of each thread, newest first (a follow-up supersedes the first answer). */
function latestPerThread(investigations: readonly Investigation[]): Investigation[] {
  const seen = new Set<string>();
  return investigations.filter((investigation) => {
    const key = investigation.thread ?? investigation.id;
    if (investigation.status !== 'answered' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The one investigation the argument names, checked against the channel the command came from. */
async function named(deps: RcaSlackDeps, argument: string, channel: string): Promise<Investigation> {
  const link = threadOfLink(argument);
  const investigation = link
    ? await deps.store.investigations.findByThread(link.channel, link.thread)
    : await deps.store.investigations.get(argument);
  if (!investigation)
    throw new RcaCommandRefusal(
      link
        ? 'I have no answered question in that thread.'
        : `I cannot find investigation ${argument}; give an id or a thread link from this channel, or nothing.`,
    );
  if (investigation.channel !== channel)
    throw new RcaCommandRefusal('That question was asked in another channel; run `/sre rca` there.');
  if (investigation.status !== 'answered')
    throw new RcaCommandRefusal('That question has no answer yet, so there is nothing to write an RCA from.');
  return investigation;
}

/** A "which one?" reply: one Draft RCA button per thread that has no RCA yet. */
function whichReply(candidates: readonly Investigation[]): RcaCommandReply {
  const text = `${candidates.length} recent questions in this channel have no RCA yet; which one should I draft?`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      ...candidates.map((investigation) => ({
        type: 'section' as const,
        text: {
          type: 'mrkdwn' as const,
          text: `${escapeMrkdwn(investigation.question.slice(0, 150))}\n_${investigation.startedAt.toISOString()}_`,
        },
        accessory: {
          type: 'button' as const,
          text: { type: 'plain_text' as const, text: 'Draft RCA' },
          action_id: ActionId.draftRca,
          value: investigation.id,
        },
      })),
    ],
  };
}

/**
 * `/sre rca [investigation id | thread link]`: drafts the RCA of the named investigation, or of
 * the latest answered one in this channel, into its thread. When several threads of the channel
 * have answers without an RCA, it asks which (a Draft RCA button each) instead of guessing. A
 * refusal is one ephemeral sentence with a trace id.
 */
export async function handleRcaCommand(
  command: SlashCommand,
  respond: (reply: RcaCommandReply) => Promise<void>,
  client: App['client'],
  deps: RcaSlackDeps,
): Promise<void> {
  const [, argument, extra] = command.text.trim().split(/\s+/);
  const channel = command.channel_id;
  let investigation: Investigation;
  try {
    if (extra) throw new RcaCommandRefusal('Give one investigation id or thread link, not several.');
    if (argument) investigation = await named(deps, argument, channel);
    else {
      const recent = latestPerThread(
        await deps.store.investigations.listRecent({ channels: [channel], limit: RECENT }),
      );
      const [latest] = recent;
      if (!latest) throw new RcaCommandRefusal('There is no answered question in this channel to write an RCA for.');
      const withoutRca: Investigation[] = [];
      for (const candidate of recent.slice(0, CHOICES)) {
        if ((await deps.store.rcas.listForInvestigation(candidate.id)).length === 0) withoutRca.push(candidate);
      }
      if (withoutRca.length > 1) {
        await respond(whichReply(withoutRca));
        return;
      }
      investigation = withoutRca[0] ?? latest;
    }
  } catch (error) {
    if (!(error instanceof RcaCommandRefusal)) throw error;
    const trace = randomBytes(8).toString('hex');
    deps.logger.info({ event: 'rca-command-refused', channel, traceId: trace, reason: error.message }, 'refused');
    await respond({ text: `${error.message} (trace ${trace})` });
    return;
  }
  await respond({
    text: `Drafting the RCA of "${investigation.question.slice(0, 120)}" — it will appear in its thread.`,
  });
  void draftInThread(client, deps, { investigationId: investigation.id, user: command.user_id, channel });
}
