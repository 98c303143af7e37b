import type { RcaFinding } from '../rca/lint-rca.js';
import type { RcaView } from '../rca/rca-service.js';
import { escapeMrkdwn, type Block } from './answer-blocks.js';

export const RcaActionId = {
  edit: 'rca_edit',
  review: 'rca_send_for_review',
  publish: 'rca_publish',
} as const;

const STATUS_LABEL = { draft: 'Draft', in_review: 'In review', published: 'Published' } as const;
const LEVEL_ICON = { error: ':x:', warning: ':warning:', human: ':pencil2:' } as const;
const MAX_HINTS = 8;

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** Review hints as one mrkdwn list (errors first, then what a person still has to fill). */
export function reviewHintsText(findings: readonly RcaFinding[]): string {
  if (findings.length === 0) return ':white_check_mark: No review hints: ready to publish.';
  const order = { error: 0, warning: 1, human: 2 } as const;
  const sorted = [...findings].sort((a, b) => order[a.level] - order[b.level]);
  const lines = sorted.slice(0, MAX_HINTS).map((f) => `${LEVEL_ICON[f.level]} ${escapeMrkdwn(f.message)}`);
  if (sorted.length > MAX_HINTS) lines.push(`…and ${sorted.length - MAX_HINTS} more on the page`);
  return clip(`*Review hints*\n${lines.join('\n')}`, 2_900);
}

/**
 * The RCA as a thread message: title and state, the summary, review hints, the page link, and
 * the buttons of the next steps (edit and send for review while a draft, publish in review).
 */
export function renderRcaBlocks(current: RcaView, pageUrl: string | undefined): Block[] {
  const { rca, document, findings } = current;
  const link = pageUrl ? ` · <${pageUrl}|Open the RCA page>` : '';
  const blocks: Block[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `:memo: *RCA: ${escapeMrkdwn(document.title)}*\n${STATUS_LABEL[rca.status]} · v${rca.version}${link}`,
          2_900,
        ),
      },
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`*Summary*\n${escapeMrkdwn(document.summary || '(to be written)')}`, 2_900) },
    },
    { type: 'section', text: { type: 'mrkdwn', text: reviewHintsText(findings) } },
  ];
  const button = (text: string, actionId: string, style?: 'primary') => ({
    type: 'button',
    text: { type: 'plain_text', text },
    action_id: actionId,
    value: rca.id,
    ...(style ? { style } : {}),
  });
  const buttons: Block[] = [];
  if (rca.status !== 'published') buttons.push(button('Edit summary and actions', RcaActionId.edit));
  if (rca.status === 'draft') buttons.push(button('Send for review', RcaActionId.review));
  if (rca.status === 'in_review') buttons.push(button('Publish', RcaActionId.publish, 'primary'));
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: `rca-actions-${rca.id}`, elements: buttons });
  return blocks;
}

export function rcaFallbackText(current: RcaView): string {
  return clip(`RCA (${STATUS_LABEL[current.rca.status]}): ${current.document.title}`, 600);
}
