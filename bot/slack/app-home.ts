import type { App, types } from '@slack/bolt';
import { escapeMrkdwn } from './answer-blocks.js';
import { CORRECTION_STATUSES, type Correction, type CorrectionStatus } from '../store/corrections-repository.js';
import type { Investigation } from '../store/investigations-repository.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import type { ChannelDirectory } from './channel-config.js';
import { healthLine, type HealthProbe, type HealthSummary } from './health-probe.js';

type HomeBlock = NonNullable<types.HomeView['blocks']>[number];

const STATUS_ICON: Record<Investigation['status'], string> = {
  queued: ':hourglass:',
  running: ':mag:',
  answered: ':white_check_mark:',
  clarifying: ':grey_question:',
  failed: ':x:',
};

function clip(text: string, limit: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
}

function slackDate(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${date.toISOString()}>`;
}

function investigationLine(investigation: Investigation): string {
  const where = investigation.channel
    ? investigation.channel.startsWith('D')
      ? 'DM'
      : `<#${investigation.channel}>`
    : investigation.source;
  const answer = investigation.answer as { rootCause?: unknown } | undefined;
  const finding =
    investigation.status === 'answered' && typeof answer?.rootCause === 'string'
      ? `\n      _${escapeMrkdwn(clip(answer.rootCause, 160))}_`
      : '';
  return (
    `${STATUS_ICON[investigation.status]} ${slackDate(investigation.startedAt)} ${where}: ` +
    `${escapeMrkdwn(clip(investigation.question, 120))}${finding}`
  );
}

function correctionLine(correction: Correction): string {
  const skill = correction.skillName ? ` · skill \`${escapeMrkdwn(correction.skillName)}\`` : '';
  const pr = correction.skillPrUrl ? ` · <${correction.skillPrUrl}|pull request>` : '';
  const version = correction.mergeSha ? ` · \`${correction.mergeSha.slice(0, 12)}\`` : '';
  return (
    `• <@${correction.userId}> ${slackDate(correction.createdAt)}: ` +
    `${escapeMrkdwn(clip(correction.correctRootCause, 160))}${skill}${pr}${version}`
  );
}

const STATE_TITLE: Record<CorrectionStatus, string> = {
  open: 'Open (waiting for Remember / Discard)',
  proposed: 'Proposed (skill pull request in review)',
  merged: 'Merged (served by the skills)',
  discarded: 'Discarded',
};

/** Splits lines into sections under Slack's 3,000-character section limit. */
function sections(lines: string[]): HomeBlock[] {
  const blocks: HomeBlock[] = [];
  let current = '';
  for (const line of lines) {
    if (current.length + line.length + 1 > 2_900) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: current } });
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: current } });
  return blocks;
}

/** The Home tab: health line, recent investigations in the support channels, open corrections. */
export function homeView(input: {
  health: HealthSummary;
  investigations: Investigation[];
  /** The newest corrections of each state. */
  corrections: Partial<Record<CorrectionStatus, Correction[]>>;
  supportChannels: string[];
}): types.HomeView {
  const correctionBlocks = CORRECTION_STATUSES.flatMap((state): HomeBlock[] => {
    const list = input.corrections[state] ?? [];
    if (list.length === 0) return [];
    return [
      { type: 'context', elements: [{ type: 'mrkdwn', text: `*${STATE_TITLE[state]}*: ${list.length}` }] },
      ...sections(list.map(correctionLine)),
    ];
  });
  const scope =
    input.supportChannels.length > 0 ? `in ${input.supportChannels.map((id) => `<#${id}>`).join(', ')}` : 'everywhere';
  const blocks: HomeBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'sre-bot' } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: healthLine(input.health) }] },
    { type: 'divider' },
    { type: 'section', text: { type: 'mrkdwn', text: `*Recent investigations* ${scope}` } },
    ...(input.investigations.length > 0
      ? sections(input.investigations.map(investigationLine))
      : [
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: 'None yet. Mention @sre-bot in a support channel, or send me a direct message.',
            },
          } satisfies HomeBlock,
        ]),
    { type: 'divider' },
    { type: 'section', text: { type: 'mrkdwn', text: '*Corrections*' } },
    ...(correctionBlocks.length > 0
      ? correctionBlocks
      : [
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: 'None yet. Press *Correct this* under an answer when sre-bot gets it wrong.',
            },
          } satisfies HomeBlock,
        ]),
  ];
  return { type: 'home', blocks };
}

/** Dependencies of the App Home listener. */
export interface AppHomeDeps {
  store: Store;
  channels: ChannelDirectory;
  health: HealthProbe;
  logger: Logger;
  /** How many investigations and corrections to list. */
  limit?: number;
}

/** Publishes the Home tab each time someone opens it. */
export function registerAppHome(app: App, deps: AppHomeDeps): void {
  const limit = deps.limit ?? 10;
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const supportChannels = deps.channels.supportChannelIds();
    const [health, investigations, corrections] = await Promise.all([
      deps.health(),
      deps.store.investigations.listRecent({
        ...(supportChannels.length > 0 ? { channels: supportChannels } : {}),
        limit,
      }),
      Promise.all(CORRECTION_STATUSES.map((state) => deps.store.corrections.listByStatus(state, limit))).then((lists) =>
        Object.fromEntries(CORRECTION_STATUSES.map((state, index) => [state, lists[index] ?? []])),
      ),
    ]);
    await client.views.publish({
      user_id: event.user,
      view: homeView({ health, investigations, corrections, supportChannels }),
    });
  });
}
