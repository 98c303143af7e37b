import type { types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { ApproverPolicy, FixNotifier, ProposalView } from '../fix/ports.js';
import { ActionId, escapeMrkdwn } from './answer-blocks.js';
import { FixActionId } from './fix-actions.js';
import { healProofLine, renderedDiffText } from '../fix/verify-fix.js';

type SlackBlock = types.KnownBlock;

function clip(text: string, max = 2900): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function dryRunLine(view: ProposalView): string {
  const { dryRun } = view.verification;
  const proof = healProofLine(view.verification);
  const proven = proof ? `\n:white_check_mark: ${escapeMrkdwn(proof.charAt(0).toUpperCase() + proof.slice(1))}.` : '';
  if (dryRun.status === 'accepted') return `:white_check_mark: Server-side dry run on the cluster: accepted.${proven}`;
  return `:grey_question: Server-side dry run: ${escapeMrkdwn(dryRun.lines[0] ?? 'not run')}.${proven}`;
}

/** The proposal as Block Kit: what changes, why, the PR, and Approve / Reject with confirm dialogs. */
export function proposalBlocks(view: ProposalView): SlackBlock[] {
  const { plan } = view;
  const diff = plan.edits.map((edit) => `${edit.file}\n  ${edit.path}\n- ${edit.before}\n+ ${edit.after}`).join('\n');
  const confirm = (title: string, text: string, yes: string) => ({
    title: { type: 'plain_text' as const, text: title },
    text: { type: 'mrkdwn' as const, text },
    confirm: { type: 'plain_text' as const, text: yes },
    deny: { type: 'plain_text' as const, text: 'Cancel' },
  });
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(`:wrench: *Proposed fix: ${escapeMrkdwn(plan.title)}*\n${escapeMrkdwn(plan.rationale)}`),
      },
    },
    { type: 'section', text: { type: 'mrkdwn', text: clip(`\`\`\`${diff}\`\`\``) } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `*Rendered by Argo CD at ${view.verification.revision.slice(0, 7)}, against live:*\n` +
            `\`\`\`${renderedDiffText(view.verification, 30)}\`\`\`\n${dryRunLine(view)}`,
        ),
      },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: clip(
            `<${view.pullRequest.url}|Pull request #${view.pullRequest.number}> in ${escapeMrkdwn(plan.repository)}` +
              ` · requested by <@${view.requestedBy}> · ${escapeMrkdwn(view.approvers)} may approve`,
          ),
        },
      ],
    },
    {
      type: 'actions',
      block_id: `fix-${view.proposalId}`.slice(0, 255),
      elements: [
        {
          type: 'button',
          action_id: FixActionId.approve,
          style: 'primary',
          text: { type: 'plain_text', text: 'Approve and merge' },
          value: view.proposalId,
          confirm: confirm(
            'Merge this fix?',
            `Merges #${view.pullRequest.number} and syncs ${plan.app.name}.`,
            'Merge',
          ),
        },
        {
          type: 'button',
          action_id: FixActionId.reject,
          style: 'danger',
          text: { type: 'plain_text', text: 'Reject' },
          value: view.proposalId,
          confirm: confirm('Reject this fix?', 'Nothing is merged.', 'Reject'),
        },
      ],
    },
  ];
}

/** The fix loop's messages in the answer's thread. */
export function createSlackFixNotifier(client: WebClient): FixNotifier {
  return {
    async proposal(place, view) {
      await client.chat.postMessage({
        channel: place.channel,
        thread_ts: place.thread,
        text: `Proposed fix: ${view.plan.title} (pull request #${view.pullRequest.number})`,
        blocks: proposalBlocks(view),
      });
    },
    async say(place, text) {
      await client.chat.postMessage({ channel: place.channel, thread_ts: place.thread, text });
    },
    async whisper(place, user, text) {
      await client.chat.postEphemeral({ channel: place.channel, thread_ts: place.thread, user, text });
    },
    async offerRca(place, investigationId) {
      const text = 'The fix is verified Healthy. Draft the incident review (RCA) from the records?';
      await client.chat.postMessage({
        channel: place.channel,
        thread_ts: place.thread,
        text,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `:memo: ${text}` } },
          {
            type: 'actions',
            block_id: `fix-rca-${investigationId}`.slice(0, 255),
            elements: [
              {
                type: 'button',
                action_id: ActionId.draftRca,
                text: { type: 'plain_text', text: 'Draft RCA' },
                value: investigationId,
              },
            ],
          },
        ],
      });
    },
  };
}

/**
 * Approvers are the members of a Slack user group: the channel's own group when configured,
 * else the default one (`usergroups.users.list`, needs the `usergroups:read` scope).
 */
export function createSlackApproverPolicy(
  client: WebClient,
  groups: { defaultGroup: string; byChannel?: Readonly<Record<string, string>>; handle?: string },
): ApproverPolicy {
  const groupFor = (channel: string): string => groups.byChannel?.[channel] ?? groups.defaultGroup;
  return {
    async isApprover(user, channel) {
      const { users } = await client.usergroups.users.list({ usergroup: groupFor(channel) });
      return (users ?? []).includes(user);
    },
    describe: (channel) => `members of <!subteam^${groupFor(channel)}>`,
  };
}
