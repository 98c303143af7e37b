/** What a write call is about to do, handed to the approval checker. */
export interface ApprovalRequest {
  principal: string;
  instance: string;
  /** The gateway tool name. */
  tool: string;
  /** The arguments that will be sent upstream (without `instance` and `approval_id`). */
  arguments: Record<string, unknown>;
}

/**
 * Decides whether `approvalId` approves exactly this write. The bot backs it with its approvals
 * table (an on-call engineer pressed "approve" in Slack); the gateway only asks.
 */
export type ApprovalChecker = (approvalId: string, request: ApprovalRequest) => Promise<boolean>;

/** The default: no write is ever approved. */
export const denyAllApprovals: ApprovalChecker = () => Promise.resolve(false);
