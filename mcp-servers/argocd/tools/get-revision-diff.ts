import { z } from 'zod';
import { fitLines } from '../../common/output-budget.js';
import { redactText } from '../../../redaction/index.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { applicationNameSchema, resolveApplication } from '../application-lookup.js';
import { defineArgocdTool } from '../deps.js';
import { comparableYaml, parseState, projectOnto } from '../manifest-normalize.js';
import { diffHunks, hunkSchema, unifiedDiff } from '../unified-diff.js';

type Manifest = Record<string, unknown> & { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };

function identity(object: Manifest, namespace: string | undefined): string {
  return (
    `${String(object.kind)}/${String(object.metadata?.namespace ?? namespace ?? '')}/` +
    `${String(object.metadata?.name)}`
  );
}

const revisionDiffSchema = z.object({
  resource: z.string(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
  change: z.enum(['modified', 'missing-in-cluster', 'extra-in-cluster']),
  lines: z.array(z.string()),
  hunks: z.array(hunkSchema),
});

/**
 * What syncing an app to another revision would change: the source rendered by Argo CD at that
 * revision (a fix branch, say) against the live objects. For previewing a change before it merges.
 */
export const getRevisionDiffTool = defineArgocdTool({
  name: 'get_revision_diff',
  title: 'Get revision diff',
  description:
    'Render an Argo CD application at another git revision (branch, tag or SHA: e.g. a fix branch) the way Argo CD ' +
    'would, and diff it against the live objects (--- live, +++ rendered). Says when the revision does not render. ' +
    'Secret values are masked and Secrets are never returned as objects.',
  inputSchema: z.strictObject({
    name: applicationNameSchema,
    revision: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[\w./-]+$/, 'a branch, tag or commit SHA')
      .describe('The git revision to render.'),
    context: z.number().int().min(0).max(10).default(2).describe('Context lines around each change.'),
  }),
  outputSchema: z.object({
    name: z.string(),
    revision: z.string().describe('The revision rendered (full SHA when Argo CD reports it).'),
    sourceType: z.string().optional(),
    diffs: z.array(revisionDiffSchema),
    objects: z
      .array(z.record(z.string(), z.unknown()))
      .describe('The rendered objects that differ from the cluster (no Secrets), for a server-side dry run.'),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const app = await resolveApplication(deps.argocd, input.name);
    const rendered = await deps.argocd.manifests(input.name, input.revision);
    const namespace = rendered.namespace ?? app.spec?.destination?.namespace;
    const live = new Map<string, Manifest>();
    for (const resource of await deps.argocd.managedResources(input.name)) {
      const state = parseState(resource.normalizedLiveState) ?? parseState(resource.liveState);
      if (state) live.set(identity(state as Manifest, namespace), state as Manifest);
    }
    type Diff = z.infer<typeof revisionDiffSchema>;
    const diffs: Diff[] = [];
    const objects: Array<Record<string, unknown>> = [];
    const seen = new Set<string>();
    for (const text of rendered.manifests) {
      const desired = parseState(text) as Manifest | undefined;
      if (!desired) continue;
      const key = identity(desired, namespace);
      seen.add(key);
      const ref = {
        kind: String(desired.kind),
        name: String(desired.metadata?.name),
        ...(typeof (desired.metadata?.namespace ?? namespace) === 'string'
          ? { namespace: String(desired.metadata?.namespace ?? namespace) }
          : {}),
      };
      const resource = `${ref.kind}/${ref.name}${ref.namespace ? ` (${ref.namespace})` : ''}`;
      const current = live.get(key);
      const lines = current
        ? unifiedDiff(
            comparableYaml(projectOnto(current, desired) as Record<string, unknown>),
            comparableYaml(desired),
            { context: input.context },
          ).map((line) => redactText(String(line)))
        : [];
      if (current && lines.length === 0) continue;
      diffs.push({
        resource,
        ...ref,
        change: current ? 'modified' : 'missing-in-cluster',
        lines,
        hunks: diffHunks(lines),
      });
      if (ref.kind !== 'Secret') objects.push({ ...desired, metadata: { ...desired.metadata, ...ref } });
    }
    for (const [key, object] of live) {
      if (seen.has(key)) continue;
      const ref = { kind: String(object.kind), name: String(object.metadata?.name) };
      diffs.push({ resource: `${ref.kind}/${ref.name}`, ...ref, change: 'extra-in-cluster', lines: [], hunks: [] });
    }
    const revision = rendered.revision ?? input.revision;
    const header = `Application ${input.name} rendered at ${revision.slice(0, 12)}: ${diffs.length} resource(s) differ`;
    const lines = [header];
    for (const diff of diffs) {
      if (diff.change === 'missing-in-cluster') lines.push(`${diff.resource}: new (sync would create it)`);
      else if (diff.change === 'extra-in-cluster')
        lines.push(`${diff.resource}: not rendered at this revision (prune would delete it)`);
      else lines.push(`${diff.resource}:`, ...diff.lines.map((line) => `  ${line}`));
    }
    return {
      text: fitLines(lines, undefined, 'the structured result has every diff'),
      structured: {
        name: input.name,
        revision,
        ...(rendered.sourceType ? { sourceType: rendered.sourceType } : {}),
        diffs,
        objects,
      },
    };
  },
});
