import { z } from 'zod';
import { parseAllDocuments } from 'yaml';
import { McpServerError } from '../../common/errors.js';
import { KubeStatusError } from '../../common/kube-client.js';
import type { KubeObject } from '../../common/kube-types.js';
import { fitLines } from '../../common/output-budget.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { parseAdmissionDenial } from '../admission-denial.js';
import { defineKyvernoTool } from '../deps.js';
import { createOwnershipResolver, ownershipFields, type Ownership } from '../../common/kube-ownership.js';
import {
  explainDenials,
  explainedDenialSchema,
  formatExplainedDenials,
  type ExplainedDenial,
} from '../denial-explanation.js';

/** The outcome of dry-running one document. */
interface DocumentVerdict extends Ownership {
  /** `Kind/namespace/name` (or `Kind/name`), as the text shows it. */
  resource: string;
  kind: string;
  name: string;
  namespace?: string;
  verdict: 'allowed' | 'denied' | 'invalid';
  message?: string;
  denials?: ExplainedDenial[];
}

/**
 * Dry-runs a manifest against the cluster's admission chain (Kyverno included): allowed, or denied with rule messages.
 */
export const checkManifestTool = defineKyvernoTool({
  name: 'check_manifest',
  title: 'Check manifest',
  description:
    'Test a YAML manifest (one or more documents) against the cluster with a server-side dry-run: nothing is ' +
    'stored, but validation and admission ' +
    ('(Kyverno policies) run. Returns allowed, or denied with policy, rule, message and what to change. Use it ' +
      'to verify a fix before proposing it.'),
  inputSchema: z.strictObject({
    manifest: z.string().min(1).max(200_000).describe('YAML manifest; several documents separated by ---.'),
    namespace: z
      .string()
      .min(1)
      .max(63)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name')
      .optional()
      .describe('Namespace for documents that do not set one.'),
  }),
  outputSchema: z.object({
    isAllowed: z.boolean(),
    documents: z.array(
      z.object({
        resource: z.string(),
        kind: z.string(),
        name: z.string(),
        namespace: z.string().optional(),
        ...ownershipFields,
        verdict: z.enum(['allowed', 'denied', 'invalid']),
        message: z.string().optional(),
        denials: z.array(explainedDenialSchema).optional(),
      }),
    ),
  }),
  // Dry-run only: admission runs, nothing is stored.
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const documents = parseAllDocuments(input.manifest);
    const objects: KubeObject[] = [];
    for (const [index, document] of documents.entries()) {
      if (document.errors.length > 0)
        return {
          text: `Document ${index + 1} is not valid YAML: ${document.errors[0]?.message ?? 'parse error'}`,
          isError: true,
        };
      const value = document.toJS() as unknown;
      if (value === null || value === undefined) continue;
      const object = value as Partial<KubeObject>;
      if (typeof object !== 'object' || !object.apiVersion || !object.kind || !object.metadata?.name) {
        return { text: `Document ${index + 1} needs apiVersion, kind and metadata.name.`, isError: true };
      }
      objects.push(object as KubeObject);
    }
    if (objects.length === 0) return { text: 'The manifest has no documents.', isError: true };
    if (objects.length > 20)
      return { text: `The manifest has ${objects.length} documents; check at most 20 at a time.`, isError: true };
    const verdicts: DocumentVerdict[] = [];
    const resolver = createOwnershipResolver(deps.kube);
    for (const original of objects) {
      const type = await deps.kube.resolveType(original.kind ?? '', original.apiVersion);
      const label = `${original.kind}/${original.metadata.name}`;
      const about = { kind: original.kind ?? '?', name: original.metadata.name };
      if (!type) {
        verdicts.push({
          resource: label,
          ...about,
          verdict: 'invalid',
          message: `the cluster does not serve ${original.kind} in ${original.apiVersion}`,
        });
        continue;
      }
      const namespace = type.namespaced ? (original.metadata.namespace ?? input.namespace) : undefined;
      if (type.namespaced && !namespace) {
        verdicts.push({
          resource: label,
          ...about,
          verdict: 'invalid',
          message: 'namespaced kind without metadata.namespace; pass namespace',
        });
        continue;
      }
      const object: KubeObject = {
        ...original,
        metadata: { ...original.metadata, ...(namespace ? { namespace } : {}) },
      };
      const resource = `${object.kind}/${namespace ? `${namespace}/` : ''}${object.metadata.name}`;
      // The manifest's own tracking label/annotation and ownerReferences say who would own it.
      const target = {
        resource,
        ...about,
        ...(namespace ? { namespace } : {}),
        ...(await resolver.ownershipOf(object)),
      };
      try {
        try {
          await deps.kube.create(type, object, { dryRun: true });
        } catch (error) {
          if (!(error instanceof KubeStatusError && error.status === 409)) throw error;
          // Exists already: dry-run a replace at the current resourceVersion, as an apply would.
          const current = await deps.kube.get(type, namespace, object.metadata.name);
          await deps.kube.replace(
            type,
            { ...object, metadata: { ...object.metadata, resourceVersion: current?.metadata.resourceVersion } },
            { dryRun: true },
          );
        }
        verdicts.push({ ...target, verdict: 'allowed' });
      } catch (error) {
        if (!(error instanceof McpServerError) || error.isRetryable || !(error instanceof KubeStatusError)) throw error;
        const rejection = parseAdmissionDenial(error.message);
        if (rejection) {
          verdicts.push({
            ...target,
            verdict: 'denied',
            message: error.message.split('\n')[0] ?? error.message,
            denials: await explainDenials(deps.kube, rejection.denials, namespace),
          });
        } else {
          verdicts.push({
            ...target,
            verdict: 'invalid',
            message: `${error.status} ${error.reason}: ${error.message}`,
          });
        }
      }
    }
    const denied = verdicts.filter((verdict) => verdict.verdict !== 'allowed');
    const lines = [
      `${verdicts.length} document(s): ${verdicts.length - denied.length} allowed, ` +
        `${verdicts.filter((verdict) => verdict.verdict === 'denied').length} denied, ` +
        `${verdicts.filter((verdict) => verdict.verdict === 'invalid').length} invalid (server-side dry-run, ` +
        `nothing stored)`,
    ];
    for (const verdict of verdicts) {
      lines.push(
        `${verdict.verdict.toUpperCase()} ` +
          `${verdict.resource}${verdict.verdict === 'invalid' && verdict.message ? `: ${verdict.message}` : ''}`,
      );
      if (verdict.denials) lines.push(...formatExplainedDenials(verdict.denials));
    }
    return { text: fitLines(lines), structured: { isAllowed: denied.length === 0, documents: verdicts } };
  },
});
