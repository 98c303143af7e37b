import type { ToolGateway } from '../agent/ports.js';
import type { FixPlan } from './fix-plan.js';
import { healProofLine, verifyFix, type FixVerification, type HealProof } from './verify-fix.js';

/**
 * Runs the planned change before anyone is asked to approve it and reports whether the app
 * healed. The sandbox implements it with a scratch branch on its Git host and a sync of the app to
 * it; production has none (its verify stage is the render and the server-side dry run).
 */
export interface HealProver {
  prove(input: { plan: FixPlan; revision: string }): Promise<HealProof>;
}

/**
 * The verify stage: Argo CD renders the fix revision, the cluster dry-runs it, and, where a heal
 * prover is configured, the change is run on a scratch branch until the app is Healthy. A proof
 * that does not heal fails the stage like a denied dry run: nobody is asked to approve it.
 */
export async function runVerifyStage(
  deps: { reader: ToolGateway; healProver?: HealProver },
  input: { plan: FixPlan; revision: string; traceparent?: string },
): Promise<FixVerification> {
  const verification = await verifyFix(deps.reader, {
    app: input.plan.app,
    revision: input.revision,
    ...(input.plan.cluster ? { cluster: input.plan.cluster } : {}),
    ...(input.traceparent ? { traceparent: input.traceparent } : {}),
  });
  if (!verification.isPassed || !deps.healProver) return verification;
  const healProof = await deps.healProver.prove({ plan: input.plan, revision: input.revision });
  const proven = { ...verification, healProof };
  return healProof.isHealthy ? proven : { ...proven, isPassed: false, failure: healProofLine(proven) ?? 'no heal' };
}
