import type { FixPlan } from './fix-plan.js';
import type { FixVerification } from './verify-fix.js';

/** A Slack thread (or any conversation) the fix loop reports into. */
export interface ThreadPlace {
  channel: string;
  thread: string;
}

/** What people see of a proposal: the plan, the pull request, and the buttons to decide. */
export interface ProposalView {
  proposalId: string;
  plan: FixPlan;
  pullRequest: { number: number; url: string };
  requestedBy: string;
  approvers: string;
  /** The verify stage's result: the rendered diff and the dry run. */
  verification: FixVerification;
}

/** How the fix loop talks to people; bot/slack implements it with Block Kit. */
export interface FixNotifier {
  proposal(place: ThreadPlace, view: ProposalView): Promise<void>;
  say(place: ThreadPlace, text: string): Promise<void>;
  /** Only `user` sees it. */
  whisper(place: ThreadPlace, user: string, text: string): Promise<void>;
  /** Once a fix is verified Healthy: offer to draft the RCA of the investigation (a button in Slack). */
  offerRca(place: ThreadPlace, investigationId: string): Promise<void>;
}

/** Who may approve fixes in a channel (a Slack user group, optionally the PagerDuty on-call). */
export interface ApproverPolicy {
  isApprover(user: string, channel: string): Promise<boolean>;
  /** For sentences: "members of @platform-oncall". */
  describe(channel: string): string;
}
