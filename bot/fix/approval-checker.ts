import { isDeepStrictEqual } from 'node:util';
import type { ApprovalsRepository } from '../store/approvals-repository.js';

/** The write the gateway is about to send, as its approval checker receives it. */
export interface WriteRequest {
  principal: string;
  instance: string;
  tool: string;
  arguments: Record<string, unknown>;
}

/** What an approval of a gateway write names: the tool is the approval's `action`. */
export type WriteTarget = {
  instance: string;
  arguments: Record<string, unknown>;
  /** When set, only this gateway principal may use the approval. */
  principal?: string;
};

/** The approval target of one gateway write. */
export function writeTarget(instance: string, args: Record<string, unknown>, principal?: string): WriteTarget {
  return { instance, arguments: args, ...(principal ? { principal } : {}) };
}

/**
 * The gateway's approval checker over the approvals table: a write passes only with an approved,
 * unexpired approval whose action is the tool and whose target is exactly this instance and
 * these arguments (and principal, when it names one). The approval is consumed by the check, so
 * it unlocks one call. Wired by the composition root, which hands it to `createGateway`.
 */
export function createStoreApprovalChecker(
  approvals: ApprovalsRepository,
): (approvalId: string, request: WriteRequest) => Promise<boolean> {
  return async (approvalId, request) => {
    const approval = await approvals.get(approvalId);
    if (!approval || approval.action !== request.tool) return false;
    const target = approval.target as Partial<WriteTarget>;
    if (target.instance !== request.instance) return false;
    if (target.principal !== undefined && target.principal !== request.principal) return false;
    if (!isDeepStrictEqual(target.arguments ?? {}, request.arguments)) return false;
    return approvals.consume(approvalId, request.tool);
  };
}
