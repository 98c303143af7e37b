import { citeSkill, type Answer } from '../agent/answer.js';
import { usageLine } from '../agent/render/render-text.js';
import { choiceBlocks } from './choice-buttons.js';

/** A Block Kit block as plain JSON (the Slack SDK types stay out of the pipeline). */
export type Block = Record<string, unknown>;

/** Which follow-up buttons to show: only features that are built and enabled. */
export interface AnswerActions {
  proposeFix: boolean;
  draftRca: boolean;
  feedback: boolean;
  correct: boolean;
}

export const ActionId = {
  proposeFix: 'propose_fix',
  draftRca: 'draft_rca',
  helpful: 'feedback_helpful',
  notHelpful: 'feedback_not_helpful',
  correct: 'correct_this',
  writeSkill: 'write_skill',
} as const;

const SECTION_LIMIT = 3_000;

/** Escapes Slack mrkdwn control characters in text that came from tools or models. */
export function escapeMrkdwn(text: string): string {
  return defuseMentions(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

/** A word joiner after `@` keeps `@channel`, `@here` and `@everyone` as text instead of a broadcast. */
function defuseMentions(text: string): string {
  return text.replace(/@(channel|here|everyone)\b/gi, '@\u2060$1');
}

/**
 * Text from tools, skills or people as Slack markdown (chat streaming): what escapeMrkdwn does,
 * and a markdown link shows its real target (`label (url)`), so no label can disguise where it goes.
 */
export function escapeMarkdown(text: string): string {
  return escapeMrkdwn(text).replace(/\[([^\]\n]*)\]\(([^)\s]*)\)/g, '$1 ($2)');
}

function clip(text: string, limit = SECTION_LIMIT): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

const CONFIDENCE_ICON = { high: ':large_green_circle:', medium: ':large_yellow_circle:', low: ':red_circle:' } as const;

/**
 * The answer as Block Kit: root cause first, evidence in a section Slack collapses behind
 * "see more", next steps, a context line (confidence, skills, instances, tokens, cost), and the
 * buttons of built features. `value` on buttons carries the investigation id.
 */
export function renderAnswerBlocks(answer: Answer, investigationId: string, actions: AnswerActions): Block[] {
  const blocks: Block[] = [
    { type: 'section', text: { type: 'mrkdwn', text: clip(`*Root cause:* ${escapeMrkdwn(answer.rootCause)}`) } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(escapeMrkdwn(answer.summary)) } },
  ];
  const evidence = answer.evidence
    .map((item) => `• ${escapeMrkdwn(item.text)}  _${escapeMrkdwn(item.source)}_`)
    .join('\n');
  blocks.push({ type: 'section', expand: false, text: { type: 'mrkdwn', text: clip(`*Evidence*\n${evidence}`) } });
  if (answer.nextSteps.length > 0) {
    const steps = answer.nextSteps.map((step, index) => `${index + 1}. ${escapeMrkdwn(step)}`).join('\n');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*Next steps*\n${steps}`) } });
  }
  if (answer.fix) {
    const change = answer.fix.change ? `\n\`\`\`${clip(answer.fix.change, 1_500)}\`\`\`` : '';
    const path = answer.fix.path ? ` (\`${escapeMrkdwn(answer.fix.path)}\`)` : '';
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`*Fix*${path}: ${escapeMrkdwn(answer.fix.description)}${change}`) },
    });
  }
  const context = [
    `${CONFIDENCE_ICON[answer.confidence]} confidence ${answer.confidence}`,
    answer.skills.length > 0 ? `skills: ${answer.skills.map((name) => citeSkill(answer, name)).join(', ')}` : undefined,
    answer.instances.length > 0 ? `instances: ${answer.instances.join(', ')}` : undefined,
    usageLine(answer),
  ].filter(Boolean);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(escapeMrkdwn(context.join(' · '))) }] });
  for (const note of answer.notes)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: clip(`:information_source: ${escapeMrkdwn(note)}`) }],
    });
  blocks.push(...choiceBlocks(answer, investigationId));

  const buttons: Block[] = [];
  const button = (text: string, actionId: string, style?: 'primary' | 'danger') => ({
    type: 'button',
    text: { type: 'plain_text', text, emoji: true },
    action_id: actionId,
    value: investigationId,
    ...(style ? { style } : {}),
  });
  if (actions.proposeFix && answer.fix) buttons.push(button('Propose fix', ActionId.proposeFix, 'primary'));
  if (actions.draftRca) buttons.push(button('Draft RCA', ActionId.draftRca));
  if (actions.feedback)
    buttons.push(
      button(':thumbsup: Helpful', ActionId.helpful),
      button(':thumbsdown: Not helpful', ActionId.notHelpful),
    );
  if (actions.correct) buttons.push(button('Correct this', ActionId.correct));
  // No skill explained it: offer to teach one (the same scaffold and pull request as a correction).
  if (actions.correct && answer.rootCause.startsWith('Undetermined'))
    buttons.push(button('Write a skill for this', ActionId.writeSkill));
  if (buttons.length > 0)
    blocks.push({ type: 'actions', block_id: `answer-actions-${investigationId}`.slice(0, 255), elements: buttons });
  return blocks;
}

/** The notification text that goes with the blocks (shown in notifications and by screen readers). */
export function answerFallbackText(answer: Answer): string {
  return clip(`Root cause: ${escapeMrkdwn(answer.rootCause)}`, 600);
}
