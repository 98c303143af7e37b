import { z } from 'zod';
import type { ToolGateway } from '../agent/ports.js';
import { BotError } from '../errors.js';

/** What the verify stage reads of `get_revision_diff` (its `structuredContent`). */
const revisionDiffSchema = z.object({
  revision: z.string(),
  sourceType: z.string().optional(),
  diffs: z.array(
    z.object({
      resource: z.string(),
      change: z.enum(['modified', 'missing-in-cluster', 'extra-in-cluster']),
      lines: z.array(z.string()),
    }),
  ),
  objects: z.array(z.record(z.string(), z.unknown())),
});

/** What it reads of `validate_manifests`. */
const dryRunSchema = z.object({
  isAccepted: z.boolean(),
  results: z.array(
    z.object({
      kind: z.string(),
      name: z.string(),
      namespace: z.string().optional(),
      outcome: z.enum(['accepted', 'denied']),
      reason: z.string().optional(),
    }),
  ),
});

/** One rendered resource that differs from the cluster. */
export type RenderedDiff = z.infer<typeof revisionDiffSchema>['diffs'][number];

/** The verify stage's verdict on a fix branch, before anyone is asked to approve it. */
export interface FixVerification {
  isPassed: boolean;
  /** The revision Argo CD rendered (the fix branch head). */
  revision: string;
  /** Rendered at the fix revision against live (--- live, +++ rendered). */
  diffs: RenderedDiff[];
  dryRun: { status: 'accepted' | 'denied' | 'not-run'; lines: string[] };
  /** Why it failed, one sentence for the thread; undefined when it passed. */
  failure?: string;
  /** Where a heal prover applied the change first and what became of the app (the sandbox). */
  healProof?: HealProof;
}

/** The app run on the planned change before anyone is asked: on which branch, and whether it healed. */
export interface HealProof {
  branch: string;
  isHealthy: boolean;
  elapsedMs: number;
  /** The health the app ended in when it did not heal, or what was restored afterwards. */
  detail?: string;
}

/** "verified on scratch branch X: Healthy in N s", or undefined without a proof. */
export function healProofLine(verification: FixVerification): string | undefined {
  const proof = verification.healProof;
  if (!proof) return undefined;
  const seconds = (proof.elapsedMs / 1000).toFixed(1);
  return proof.isHealthy
    ? `verified on scratch branch ${proof.branch}: Healthy in ${seconds} s${proof.detail ? ` (${proof.detail})` : ''}`
    : `on scratch branch ${proof.branch} the app did not become Healthy in ${seconds} s` +
        (proof.detail ? `: ${proof.detail}` : '');
}

/**
 * Verifies a fix branch the way Argo CD and the cluster would see it: Argo CD renders the app at
 * the fix revision (`get_revision_diff`), that render is diffed against the live objects, and the
 * changed objects go through a server-side dry run on the app's cluster (`validate_manifests`)
 * so validation and admission (Kyverno) answer before a person is asked. A revision that does
 * not render, or is denied, fails; a dry run the gateway cannot reach is reported as not run.
 */
export async function verifyFix(
  gateway: ToolGateway,
  input: { app: { instance: string; name: string }; revision: string; cluster?: string; traceparent?: string },
): Promise<FixVerification> {
  const meta = input.traceparent ? { traceparent: input.traceparent } : {};
  const short = input.revision.slice(0, 7);
  const rendered = await gateway.callTool(
    'get_revision_diff',
    { name: input.app.name, instance: input.app.instance, revision: input.revision },
    meta,
  );
  const failed = (failure: string, diffs: RenderedDiff[] = []): FixVerification => ({
    isPassed: false,
    revision: input.revision,
    diffs,
    dryRun: { status: 'not-run', lines: [] },
    failure,
  });
  if (rendered.isError) return failed(`Argo CD could not render ${short}: ${rendered.text.slice(0, 300)}`);
  const parsed = revisionDiffSchema.safeParse(rendered.structured);
  if (!parsed.success)
    throw new BotError('tool_result_invalid', 'get_revision_diff returned an unexpected shape', {
      cause: parsed.error,
    });
  const { diffs, objects } = parsed.data;
  // Equal to live is a pass: a sync that failed left the cluster on the old state, and the fix
  // brings git back to it (the app then syncs cleanly).
  if (diffs.length === 0)
    return {
      isPassed: true,
      revision: parsed.data.revision,
      diffs,
      dryRun: { status: 'not-run', lines: ['the rendered branch equals the live objects, so nothing is applied'] },
    };
  if (objects.length === 0)
    return {
      isPassed: true,
      revision: parsed.data.revision,
      diffs,
      dryRun: { status: 'not-run', lines: ['nothing to create or update (only removals)'] },
    };
  const checked = await gateway.callTool(
    'validate_manifests',
    { objects, ...(input.cluster ? { instance: input.cluster } : {}) },
    meta,
  );
  if (checked.isError)
    return {
      isPassed: true,
      revision: parsed.data.revision,
      diffs,
      dryRun: { status: 'not-run', lines: [`the dry run could not run: ${checked.text.slice(0, 200)}`] },
    };
  const dryRun = dryRunSchema.safeParse(checked.structured);
  if (!dryRun.success)
    throw new BotError('tool_result_invalid', 'validate_manifests returned an unexpected shape', {
      cause: dryRun.error,
    });
  const lines = dryRun.data.results.map(
    (result) =>
      `${result.kind}/${result.name}${result.namespace ? ` (${result.namespace})` : ''}: ${result.outcome}` +
      (result.reason ? ` — ${result.reason}` : ''),
  );
  const denied = dryRun.data.results.find((result) => result.outcome === 'denied');
  return {
    isPassed: dryRun.data.isAccepted,
    revision: parsed.data.revision,
    diffs,
    dryRun: { status: dryRun.data.isAccepted ? 'accepted' : 'denied', lines },
    ...(denied
      ? { failure: `the cluster refused ${denied.kind}/${denied.name} in a dry run: ${denied.reason ?? 'denied'}` }
      : {}),
  };
}

/** The rendered diff as plain text (for Slack and the pull request), at most `maxLines` lines. */
export function renderedDiffText(verification: FixVerification, maxLines = 40): string {
  const lines = verification.diffs.flatMap((diff) =>
    diff.change === 'modified'
      ? [diff.resource, ...diff.lines.filter((line) => !line.startsWith('---') && !line.startsWith('+++'))]
      : [`${diff.resource}: ${diff.change === 'missing-in-cluster' ? 'created' : 'no longer rendered'}`],
  );
  if (lines.length === 0) return '(no difference from the live objects)';
  return lines.length > maxLines
    ? [...lines.slice(0, maxLines), `… ${lines.length - maxLines} more lines`].join('\n')
    : lines.join('\n');
}

/** The Validation section of a pull request comment: rendered diff and dry run. */
export function verificationMarkdown(verification: FixVerification): string {
  const dryRun =
    verification.dryRun.status === 'accepted'
      ? 'Server-side dry run (`dryRun=All`, admission included): accepted.'
      : verification.dryRun.status === 'denied'
        ? 'Server-side dry run: **denied**.'
        : 'Server-side dry run: not run.';
  return [
    `## Validation by sre-bot`,
    `Argo CD rendered this branch at \`${verification.revision.slice(0, 12)}\`; against the live objects:`,
    '',
    '```diff',
    renderedDiffText(verification, 120),
    '```',
    '',
    dryRun,
    ...verification.dryRun.lines.map((line) => `- ${line}`),
    ...(healProofLine(verification) ? ['', `Heal proof: ${healProofLine(verification) ?? ''}.`] : []),
    ...(verification.failure ? ['', `Not proposed for approval: ${verification.failure}.`] : []),
  ].join('\n');
}
