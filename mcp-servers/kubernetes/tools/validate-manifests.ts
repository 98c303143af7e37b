import { z } from 'zod';
import { KubeStatusError } from '../../common/kube-client.js';
import type { KubeObject } from '../../common/kube-types.js';
import { fitLines } from '../../common/output-budget.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { defineKubernetesTool } from '../deps.js';

const manifestSchema = z.looseObject({
  apiVersion: z.string().min(1).max(253),
  kind: z.string().min(1).max(63),
  metadata: z.looseObject({
    name: z.string().min(1).max(253),
    namespace: z.string().min(1).max(63).optional(),
  }),
});

const dryRunResultSchema = z.object({
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
  operation: z.enum(['create', 'update']),
  outcome: z.enum(['accepted', 'denied']),
  reason: z.string().optional().describe('The API server or admission message of a denial.'),
});

/**
 * Server-side dry run of manifests: each object is created or replaced with `dryRun=All`, so the
 * API server's validation and admission (Kyverno) answer as they would on a sync, and nothing is
 * stored. Read-only in effect; the cluster identity comes from configuration, never from input.
 */
export const validateManifestsTool = defineKubernetesTool({
  name: 'validate_manifests',
  title: 'Validate manifests (server-side dry run)',
  description:
    'Server-side dry run (dryRun=All) of up to 50 objects: the API server validates each and admission ' +
    'controllers such as Kyverno accept or deny it exactly as on a real apply, but nothing is stored. Returns ' +
    'accepted or denied per object with the denial message. Secrets are refused.',
  inputSchema: z.strictObject({
    objects: z.array(manifestSchema).min(1).max(50),
  }),
  outputSchema: z.object({
    isAccepted: z.boolean().describe('True when every object was accepted.'),
    results: z.array(dryRunResultSchema),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    type Result = z.infer<typeof dryRunResultSchema>;
    const results: Result[] = [];
    for (const manifest of input.objects) {
      const object = manifest as unknown as KubeObject;
      const namespace = manifest.metadata.namespace;
      const ref = { kind: manifest.kind, name: manifest.metadata.name, ...(namespace ? { namespace } : {}) };
      const deny = (operation: Result['operation'], reason: string) =>
        results.push({ ...ref, operation, outcome: 'denied', reason });
      if (manifest.kind === 'Secret') {
        deny('update', 'Secrets are not sent for validation');
        continue;
      }
      const type = await deps.kube.resolveType(manifest.kind, manifest.apiVersion);
      if (!type) {
        deny('create', `the cluster does not serve ${manifest.apiVersion} ${manifest.kind}`);
        continue;
      }
      const existing = await deps.kube.get(type, type.namespaced ? namespace : undefined, manifest.metadata.name);
      const operation = existing ? 'update' : 'create';
      try {
        if (existing) {
          const resourceVersion = existing.metadata.resourceVersion;
          const metadata = { ...object.metadata, ...(resourceVersion ? { resourceVersion } : {}) };
          await deps.kube.replace(type, { ...object, metadata }, { dryRun: true });
        } else await deps.kube.create(type, object, { dryRun: true });
        results.push({ ...ref, operation, outcome: 'accepted' });
      } catch (error) {
        // Validation and admission refusals are answers; an unreachable cluster still throws.
        if (!(error instanceof KubeStatusError) || error.status >= 500) throw error;
        deny(operation, error.message);
      }
    }
    const denied = results.filter((result) => result.outcome === 'denied');
    const lines = [
      denied.length === 0
        ? `Dry run: all ${results.length} object(s) accepted; nothing was stored.`
        : `Dry run: ${denied.length} of ${results.length} object(s) denied; nothing was stored.`,
      ...results.map(
        (result) =>
          `${result.kind}/${result.name}${result.namespace ? ` (${result.namespace})` : ''}: ` +
          `${result.operation} ${result.outcome}${result.reason ? `: ${result.reason}` : ''}`,
      ),
    ];
    return { text: fitLines(lines), structured: { isAccepted: denied.length === 0, results } };
  },
});
