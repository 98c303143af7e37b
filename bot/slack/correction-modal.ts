import type { types } from '@slack/bolt';
import { escapeMrkdwn } from './answer-blocks.js';

type View = types.View;

/** callback_id of the "Correct this" modal. */
export const CORRECTION_CALLBACK_ID = 'correct_this_modal';

/** Block and action ids of the modal inputs (`state.values[block][action]`). */
export const CorrectionField = {
  rootCause: { block: 'root_cause', action: 'root_cause_input' },
  details: { block: 'details', action: 'details_input' },
  fix: { block: 'fix', action: 'fix_input' },
  skill: { block: 'skill', action: 'skill_select' },
} as const;

/** Where the correction belongs; travels in the modal's private_metadata. */
export interface CorrectionTarget {
  investigationId: string;
  /** `skill_request`: opened by "Write a skill for this" (no skill matched). */
  source?: 'modal' | 'skill_request';
  channel?: string;
  thread?: string;
}

const MAX_OPTIONS = 100;

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/**
 * The modal: what sre-bot said, the correct root cause (required), details, and the skill that
 * should learn from it (the answer's skills first, then the catalog, at most 100 options).
 */
export function correctionModal(
  target: CorrectionTarget,
  context: { rootCause?: string; answerSkills: readonly string[]; catalogSkills: readonly string[] },
): View {
  const skills = [...new Set([...context.answerSkills, ...[...context.catalogSkills].sort()])].slice(0, MAX_OPTIONS);
  const blocks: NonNullable<View['blocks']>[number][] = [];
  if (context.rootCause) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: clip(`*sre-bot said:* ${escapeMrkdwn(context.rootCause)}`, 2_900) }],
    });
  }
  blocks.push(
    {
      type: 'input',
      block_id: CorrectionField.rootCause.block,
      label: { type: 'plain_text', text: 'Correct root cause' },
      element: {
        type: 'plain_text_input',
        action_id: CorrectionField.rootCause.action,
        multiline: true,
        max_length: 1_500,
        placeholder: { type: 'plain_text', text: 'What was actually wrong, naming the object and field' },
      },
    },
    {
      type: 'input',
      block_id: CorrectionField.details.block,
      optional: true,
      label: { type: 'plain_text', text: 'Details' },
      element: {
        type: 'plain_text_input',
        action_id: CorrectionField.details.action,
        multiline: true,
        max_length: 3_000,
        placeholder: { type: 'plain_text', text: 'How you found it, what the bot missed' },
      },
    },
    {
      type: 'input',
      block_id: CorrectionField.fix.block,
      optional: true,
      label: { type: 'plain_text', text: 'Right fix' },
      element: {
        type: 'plain_text_input',
        action_id: CorrectionField.fix.action,
        multiline: true,
        max_length: 1_500,
        placeholder: { type: 'plain_text', text: 'What to change in git, if you know it' },
      },
    },
  );
  if (skills.length > 0) {
    blocks.push({
      type: 'input',
      block_id: CorrectionField.skill.block,
      optional: true,
      label: { type: 'plain_text', text: 'Skill to improve' },
      element: {
        type: 'static_select',
        action_id: CorrectionField.skill.action,
        placeholder: { type: 'plain_text', text: 'Choose a skill' },
        options: skills.map((name) => ({ text: { type: 'plain_text', text: clip(name, 75) }, value: name })),
      },
    });
  }
  return {
    type: 'modal',
    callback_id: CORRECTION_CALLBACK_ID,
    private_metadata: JSON.stringify(target),
    title: {
      type: 'plain_text',
      text: target.source === 'skill_request' ? 'Write a skill for this' : 'Correct this answer',
    },
    submit: { type: 'plain_text', text: 'Save correction' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/** A submitted correction, validated. */
export type CorrectionSubmission =
  | { ok: true; target: CorrectionTarget; rootCause: string; details?: string; fix?: string; skillName?: string }
  | { ok: false; errors: Record<string, string> };

type StateValues = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value?: string } | null }>
>;

/** Reads and validates the modal state; errors are keyed by block id, as `response_action: errors` wants. */
export function parseCorrectionSubmission(privateMetadata: string, values: StateValues): CorrectionSubmission {
  let target: CorrectionTarget | undefined;
  try {
    const parsed = JSON.parse(privateMetadata) as Partial<CorrectionTarget>;
    if (typeof parsed.investigationId === 'string' && parsed.investigationId !== '')
      target = parsed as CorrectionTarget;
  } catch {
    target = undefined;
  }
  const rootCause = values[CorrectionField.rootCause.block]?.[CorrectionField.rootCause.action]?.value?.trim() ?? '';
  const details = values[CorrectionField.details.block]?.[CorrectionField.details.action]?.value?.trim() ?? '';
  const fix = values[CorrectionField.fix.block]?.[CorrectionField.fix.action]?.value?.trim() ?? '';
  const skillName = values[CorrectionField.skill.block]?.[CorrectionField.skill.action]?.selected_option?.value ?? '';
  if (!target)
    return {
      ok: false,
      errors: {
        [CorrectionField.rootCause.block]:
          'This form lost track of its answer; close it and press "Correct this" again.',
      },
    };
  if (rootCause.length < 3)
    return {
      ok: false,
      errors: { [CorrectionField.rootCause.block]: 'Write the correct root cause (a few words at least).' },
    };
  return {
    ok: true,
    target,
    rootCause,
    ...(details ? { details } : {}),
    ...(fix ? { fix } : {}),
    ...(skillName ? { skillName } : {}),
  };
}
