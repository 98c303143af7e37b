import type { types } from '@slack/bolt';
import type { ActionItem, RcaDocument } from '../rca/rca-document.js';

type View = types.View;

export const RCA_EDIT_CALLBACK_ID = 'rca_edit_modal';

export const RcaField = {
  summary: { block: 'rca_summary', action: 'rca_summary_input' },
  actions: { block: 'rca_actions', action: 'rca_actions_input' },
} as const;

/** What the modal edits, in private_metadata: the RCA and the version the editor saw. */
export interface RcaEditTarget {
  rcaId: string;
  version: number;
  channel?: string;
  thread?: string;
}

/** One action item per line: `what | owner | YYYY-MM-DD | ticket link` (owner, date, ticket optional). */
export function actionItemsText(items: readonly ActionItem[]): string {
  return items
    .map((item) => [item.text, item.owner, item.due, item.ticket].join(' | ').replace(/( \| )+$/, ''))
    .join('\n');
}

/** The modal: the summary and the action items, prefilled with the current version. */
export function rcaEditModal(target: RcaEditTarget, doc: RcaDocument): View {
  return {
    type: 'modal',
    callback_id: RCA_EDIT_CALLBACK_ID,
    private_metadata: JSON.stringify(target),
    title: { type: 'plain_text', text: 'Edit RCA' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: RcaField.summary.block,
        label: { type: 'plain_text', text: 'Summary (one or two sentences, business terms)' },
        element: {
          type: 'plain_text_input',
          action_id: RcaField.summary.action,
          multiline: true,
          max_length: 800,
          initial_value: doc.summary,
        },
      },
      {
        type: 'input',
        block_id: RcaField.actions.block,
        optional: true,
        label: { type: 'plain_text', text: 'Action items' },
        hint: { type: 'plain_text', text: 'One per line: what | owner | YYYY-MM-DD | ticket link' },
        element: {
          type: 'plain_text_input',
          action_id: RcaField.actions.action,
          multiline: true,
          max_length: 3_000,
          initial_value: actionItemsText(doc.actionItems),
        },
      },
    ],
  };
}

export type RcaEditSubmission =
  | { ok: true; target: RcaEditTarget; summary: string; actionItems: ActionItem[] }
  | { ok: false; errors: Record<string, string> };

type StateValues = Record<string, Record<string, { value?: string | null }>>;

/** Parses one action-item line; a bad date is reported with its line number. */
function parseActionLine(line: string, index: number): ActionItem | string {
  const [text = '', owner = '', due = '', ticket = ''] = line.split('|').map((part) => part.trim());
  if (text === '') return `Line ${index + 1} has no action.`;
  if (due !== '' && (!/^\d{4}-\d{2}-\d{2}$/.test(due) || Number.isNaN(Date.parse(due))))
    return `Line ${index + 1}: the due date must look like 2026-12-31.`;
  return { text, owner, due, ticket };
}

/** Reads and validates the modal; errors are keyed by block id for `response_action: errors`. */
export function parseRcaEditSubmission(privateMetadata: string, values: StateValues): RcaEditSubmission {
  let target: RcaEditTarget | undefined;
  try {
    const parsed = JSON.parse(privateMetadata) as Partial<RcaEditTarget>;
    if (typeof parsed.rcaId === 'string' && typeof parsed.version === 'number') target = parsed as RcaEditTarget;
  } catch {
    target = undefined;
  }
  if (!target)
    return {
      ok: false,
      errors: { [RcaField.summary.block]: 'This form lost its RCA; close it and press Edit again.' },
    };
  const summary = values[RcaField.summary.block]?.[RcaField.summary.action]?.value?.trim() ?? '';
  if (summary.length < 10)
    return { ok: false, errors: { [RcaField.summary.block]: 'Write a summary of a sentence or two.' } };
  const lines = (values[RcaField.actions.block]?.[RcaField.actions.action]?.value ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const parsed = lines.map(parseActionLine);
  const problem = parsed.find((item): item is string => typeof item === 'string');
  if (problem) return { ok: false, errors: { [RcaField.actions.block]: problem } };
  return { ok: true, target, summary, actionItems: parsed as ActionItem[] };
}
