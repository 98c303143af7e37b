import { z } from 'zod';
import { summarizeManagers } from '../../common/managed-fields.js';
import { fitLines } from '../../common/output-budget.js';
import { redactText } from '../../../redaction/index.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { applicationNameSchema, resolveApplication } from '../application-lookup.js';
import { defineArgocdTool } from '../deps.js';
import { comparableYaml, parseState, projectOnto } from '../manifest-normalize.js';
import { diffHunks, hunkSchema, unifiedDiff } from '../unified-diff.js';

/** Out-of-sync resources as compact unified diffs (live → desired). */
export const getApplicationDiffTool = defineArgocdTool({
  name: 'get_application_diff',
  title: 'Get application diff',
  description:
    'What differs between git (desired) and the cluster (live) for an Argo CD application: one compact unified ' +
    'diff per OutOfSync resource ' +
    ('(--- live, +++ desired), status and server-managed fields ignored, Secret values masked. Resources missing ' +
      'from the cluster or to be pruned are listed.'),
  inputSchema: z.strictObject({
    name: applicationNameSchema,
    kind: z.string().min(1).max(63).optional().describe('Only resources of this kind.'),
    resourceName: z.string().min(1).max(253).optional(),
    context: z.number().int().min(0).max(10).default(2).describe('Context lines around each change.'),
  }),
  outputSchema: z.object({
    name: z.string(),
    sync: z.string().optional(),
    revision: z.string().optional().describe('Desired git revision compared (full).'),
    diffs: z.array(
      z.object({
        resource: z.string().describe('`Kind/name (namespace)`, as the text shows it.'),
        group: z.string().optional(),
        kind: z.string(),
        name: z.string(),
        namespace: z.string().optional(),
        change: z.enum(['modified', 'missing-in-cluster', 'extra-in-cluster']),
        lines: z.array(z.string()).describe('Unified diff lines (--- live, +++ desired), Secret values masked.'),
        hunks: z.array(hunkSchema),
        lastWrittenBy: z.string().optional().describe('Who last wrote the live object (managedFields).'),
      }),
    ),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const app = await resolveApplication(deps.argocd, input.name);
    // Argo CD's own verdict decides what is OutOfSync; we only render those resources.
    const statusOf = new Map(
      (app.status?.resources ?? []).map((resource) => [
        `${resource.kind}/${resource.namespace ?? ''}/${resource.name}`,
        resource.status,
      ]),
    );
    const managed = (await deps.argocd.managedResources(input.name))
      .filter(
        (resource) =>
          statusOf.size === 0 ||
          statusOf.get(`${resource.kind}/${resource.namespace ?? ''}/${resource.name}`) !== 'Synced',
      )
      .filter((resource) => !input.kind || resource.kind?.toLowerCase() === input.kind.toLowerCase())
      .filter((resource) => !input.resourceName || resource.name === input.resourceName);
    type Diff = {
      resource: string;
      group?: string;
      kind: string;
      name: string;
      namespace?: string;
      change: 'modified' | 'missing-in-cluster' | 'extra-in-cluster';
      lines: string[];
      hunks: ReturnType<typeof diffHunks>;
      lastWrittenBy?: string;
    };
    const diffs: Diff[] = [];
    for (const resource of managed) {
      if (resource.hook) continue;
      const label = `${resource.kind}/${resource.name}${resource.namespace ? ` (${resource.namespace})` : ''}`;
      const ref = {
        resource: label,
        ...(resource.group ? { group: resource.group } : {}),
        kind: resource.kind ?? '?',
        name: resource.name ?? '?',
        ...(resource.namespace ? { namespace: resource.namespace } : {}),
      };
      const live = parseState(resource.normalizedLiveState) ?? parseState(resource.liveState);
      const desired = parseState(resource.predictedLiveState) ?? parseState(resource.targetState);
      if (!live && desired) {
        diffs.push({ ...ref, change: 'missing-in-cluster', lines: [], hunks: [] });
        continue;
      }
      if (live && !desired) {
        diffs.push({ ...ref, change: 'extra-in-cluster', lines: [], hunks: [] });
        continue;
      }
      const lines = unifiedDiff(
        comparableYaml(projectOnto(live, desired) as Record<string, unknown>),
        comparableYaml(desired),
        { context: input.context },
      );
      const managers = summarizeManagers(
        (parseState(resource.liveState)?.metadata as { managedFields?: unknown } | undefined)?.managedFields,
        deps.now(),
      );
      const masked = lines.map(redactText);
      if (lines.length > 0)
        diffs.push({
          ...ref,
          change: 'modified',
          lines: masked,
          hunks: diffHunks(masked),
          ...(managers ? { lastWrittenBy: managers } : {}),
        });
    }
    const outOfSync = (app.status?.resources ?? []).filter((resource) => resource.status === 'OutOfSync').length;
    const state = {
      ...(app.status?.sync?.status ? { sync: app.status.sync.status } : {}),
      ...(app.status?.sync?.revision ? { revision: app.status.sync.revision } : {}),
    };
    if (diffs.length === 0) {
      return {
        text:
          `Application ${input.name}: no differences between git and the ` +
          'cluster' +
          (outOfSync
            ? ` in the manifests compared (status lists ${outOfSync} OutOfSync; ` +
              'they may be ignored-difference or hook resources)'
            : '') +
          ' ' +
          `(sync=${app.status?.sync?.status ?? '?'}).`,
        structured: { name: input.name, ...state, diffs: [] },
      };
    }
    const lines = [
      `Application ${input.name}: ${diffs.length} resource(s) differ (--- live, +++ desired from git @ ` +
        `${app.status?.sync?.revision?.slice(0, 7) ?? '?'})`,
    ];
    for (const diff of diffs) {
      if (diff.change === 'missing-in-cluster')
        lines.push(`${diff.resource}: in git, missing from the cluster (sync would create it)`);
      else if (diff.change === 'extra-in-cluster')
        lines.push(`${diff.resource}: in the cluster, not in git (sync with prune would delete it)`);
      else
        lines.push(
          `${diff.resource}:${diff.lastWrittenBy ? ` (live last written by ${diff.lastWrittenBy})` : ''}`,
          ...diff.lines.map((line) => `  ${line}`),
        );
    }
    return {
      text: fitLines(lines, undefined, 'pass kind/resourceName to see one resource'),
      structured: { name: input.name, ...state, diffs },
    };
  },
});
