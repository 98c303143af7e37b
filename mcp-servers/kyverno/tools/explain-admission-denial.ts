import { z } from 'zod';
import { findWellKnownType, type KubeObject, type ResourceType } from '../../common/kube-types.js';
import { fitLines, formatAge } from '../../common/output-budget.js';
import { McpServerError } from '../../common/errors.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { parseAdmissionDenial, type ParsedRejection } from '../admission-denial.js';
import { defineKyvernoTool } from '../deps.js';
import {
  createOwnershipResolver,
  objectRefSchema,
  ownershipFields,
  type Ownership,
} from '../../common/kube-ownership.js';
import {
  explainDenials,
  explainedDenialSchema,
  formatExplainedDenials,
  parseResourceRef,
  type ExplainedDenial,
} from '../denial-explanation.js';

const type = (kind: string): ResourceType => findWellKnownType(kind) as ResourceType; // well-known kinds only

interface EventLike extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string };
}

interface ApplicationLike extends KubeObject {
  spec?: { destination?: { namespace?: string } };
  status?: {
    operationState?: {
      phase?: string;
      message?: string;
      finishedAt?: string;
      syncResult?: {
        resources?: Array<{ kind?: string; name?: string; namespace?: string; status?: string; message?: string }>;
      };
    };
  };
}

/** Where a denial was found. */
interface DenialSource {
  source: string;
  /** The Argo CD application whose sync was denied, when the denial came from one. */
  application?: string;
  seenAt?: string;
  rejection: ParsedRejection;
}

async function listOrEmpty(list: () => Promise<KubeObject[]>): Promise<KubeObject[]> {
  try {
    return await list();
  } catch (error) {
    // Argo CD's Application CRD may not be installed in this cluster: then there is nothing to read.
    if (error instanceof McpServerError && (error.code === 'not_found' || error.code === 'forbidden')) return [];
    throw error;
  }
}

/** Finds recent Kyverno admission denials (events, failed Argo CD syncs, or given text) and explains each. */
export const explainAdmissionDenialTool = defineKyvernoTool({
  name: 'explain_admission_denial',
  title: 'Explain admission denial',
  description:
    'Explain why Kubernetes rejected a resource: finds recent Kyverno admission denials in events and in failed ' +
    'Argo CD sync operations (or parses the ' +
    ('denial text you pass), and maps each to policy, rule, Enforce/Audit mode, the failing field path and what ' +
      'the manifest must change. ') +
    'Use it when a sync failed with "admission webhook ... denied the request".',
  inputSchema: z.strictObject({
    namespace: z
      .string()
      .min(1)
      .max(63)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name')
      .optional()
      .describe('Namespace of the rejected resource (omit to search all).'),
    name: z
      .string()
      .min(1)
      .max(253)
      .optional()
      .describe('Name fragment of the rejected resource or Argo CD application.'),
    message: z
      .string()
      .min(1)
      .max(20_000)
      .optional()
      .describe('Denial text to explain (e.g. from get_application); skips the search.'),
  }),
  outputSchema: z.object({
    denials: z.array(
      explainedDenialSchema.extend({
        resource: z.string().optional().describe('`Kind/namespace/name` as the denial names it.'),
        resourceRef: objectRefSchema.optional(),
        source: z.string().describe('Where the denial was found: given message, an event, or an Argo CD sync.'),
        seenAt: z.string().optional(),
        ...ownershipFields,
      }),
    ),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const now = deps.now();
    const sources: DenialSource[] = [];
    if (input.message) {
      const rejection = parseAdmissionDenial(input.message);
      if (!rejection)
        return {
          text:
            'The text is not a Kyverno admission denial (no "denied the request" / "was blocked due to the ' +
            'following policies"). Pass the full sync or kubectl error message.',
          isError: true,
        };
      sources.push({ source: 'given message', rejection });
    } else {
      const fragment = input.name?.toLowerCase();
      const [events, applications] = await Promise.all([
        deps.kube.list(type('Event'), input.namespace ? { namespace: input.namespace } : {}) as Promise<EventLike[]>,
        listOrEmpty(() => deps.kube.list(type('Application'))) as Promise<ApplicationLike[]>,
      ]);
      for (const event of events) {
        const parsed = parseAdmissionDenial(event.message ?? '');
        if (!parsed) continue;
        // Kyverno's own PolicyViolation events sit on the policy: its name is the event's object.
        const policyName = /Policy$/.test(event.involvedObject?.kind ?? '') ? event.involvedObject?.name : undefined;
        const rejection = policyName
          ? {
              ...parsed,
              denials: parsed.denials.map((denial) =>
                denial.policy === '?' ? { ...denial, policy: policyName } : denial,
              ),
            }
          : parsed;
        const subject = `${event.involvedObject?.kind ?? '?'}/${event.involvedObject?.name ?? '?'}`;
        if (
          fragment &&
          !subject.toLowerCase().includes(fragment) &&
          !(rejection.resource ?? '').toLowerCase().includes(fragment)
        )
          continue;
        const seenAt = event.lastTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp;
        sources.push({
          source: `event ${event.reason ?? ''} on ${event.metadata.namespace ?? ''}:${subject}`,
          ...(seenAt ? { seenAt } : {}),
          rejection,
        });
      }
      for (const app of applications) {
        const operation = app.status?.operationState;
        if (!operation) continue;
        if (input.namespace && app.spec?.destination?.namespace !== input.namespace) continue;
        const texts = [
          operation.message ?? '',
          ...(operation.syncResult?.resources ?? []).map((resource) => resource.message ?? ''),
        ];
        const matchesName =
          !fragment ||
          app.metadata.name.toLowerCase().includes(fragment) ||
          texts.some((text) => text.toLowerCase().includes(fragment));
        if (!matchesName) continue;
        for (const text of new Set(texts)) {
          const rejection = parseAdmissionDenial(text);
          if (rejection)
            sources.push({
              source: `Argo CD application ${app.metadata.name} sync ${operation.phase ?? ''}`,
              application: app.metadata.name,
              ...(operation.finishedAt ? { seenAt: operation.finishedAt } : {}),
              rejection,
            });
        }
      }
    }
    if (sources.length === 0) {
      return {
        text:
          `No Kyverno admission denials ` +
          `found${input.namespace ? ` in ${input.namespace}` : ''}${input.name ? ` for '${input.name}'` : ''} in ` +
          `events or Argo CD sync results. If a sync failed, pass its message; check_manifest tests a manifest ` +
          `against the policies.`,
        structured: { denials: [] },
      };
    }
    // One explanation per distinct resource+policy+rule+message, newest first.
    const unique = new Map<string, { source: DenialSource; denial: ParsedRejection['denials'][number] }>();
    for (const source of sources.sort((left, right) => (right.seenAt ?? '').localeCompare(left.seenAt ?? ''))) {
      for (const denial of source.rejection.denials) {
        const key = `${source.rejection.resource}|${denial.policy}|${denial.rule}|${denial.message}`;
        if (!unique.has(key)) unique.set(key, { source, denial });
      }
    }
    const entries = [...unique.values()].slice(0, 10);
    const explained = await explainDenials(
      deps.kube,
      entries.map((entry) => entry.denial),
      input.namespace,
    );
    const lines = [`${unique.size} distinct denial(s):`];
    const structured: Array<
      ExplainedDenial &
        Ownership & {
          resource?: string;
          resourceRef?: ReturnType<typeof parseResourceRef>;
          source: string;
          seenAt?: string;
        }
    > = [];
    const resolver = createOwnershipResolver(deps.kube);
    for (const [index, entry] of entries.entries()) {
      const explanation = explained[index];
      if (!explanation) continue;
      lines.push(
        `resource ${entry.source.rejection.resource ?? '?'} — from ` +
          `${entry.source.source}${entry.source.seenAt ? `, ${formatAge(entry.source.seenAt, now)} ago` : ''}`,
      );
      lines.push(...formatExplainedDenials([explanation]));
      const resourceRef = parseResourceRef(entry.source.rejection.resource);
      // A denied create never reached the cluster: then only the denied sync's app names the owner.
      const live = resourceRef ? await resolver.ownershipOfRef(resourceRef) : {};
      const argocdApp = entry.source.application ?? live.argocdApp;
      structured.push({
        ...explanation,
        ...(entry.source.rejection.resource ? { resource: entry.source.rejection.resource } : {}),
        ...(resourceRef ? { resourceRef } : {}),
        source: entry.source.source,
        ...(entry.source.seenAt ? { seenAt: entry.source.seenAt } : {}),
        ...(live.owners ? { owners: live.owners } : {}),
        ...(argocdApp ? { argocdApp } : {}),
      });
    }
    if (unique.size > entries.length)
      lines.push(`… ${unique.size - entries.length} more denials; pass namespace or name to narrow`);
    lines.push(
      'Change the manifest in git to satisfy the rule (or get a policy exception); check_manifest verifies a ' +
        'fixed manifest before merging.',
    );
    return { text: fitLines(lines), structured: { denials: structured } };
  },
});
