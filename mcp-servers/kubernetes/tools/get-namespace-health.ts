import { z } from 'zod';
import { createOwnershipResolver, ownershipFields, type Ownership } from '../../common/kube-ownership.js';
import { findWellKnownType, type KubeObject, type ResourceType } from '../../common/kube-types.js';
import { fitLines, formatAge } from '../../common/output-budget.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { defineKubernetesTool } from '../deps.js';
import { eventGroupSchema, formatEventGroup, groupEvents, recentEvents, withEventOwnership } from '../event-groups.js';
import { labelsMatch, type EventShape, type PodShape, type ServiceShape, type WorkloadShape } from '../kube-shapes.js';
import { summarizePod } from '../pod-status.js';
import { rolloutState } from '../rollout-state.js';
import { namespaceSchema } from '../workload-lookup.js';

const type = (kind: string): ResourceType => findWellKnownType(kind) as ResourceType; // well-known kinds only

/** One unhealthy thing in a namespace, with a severity used for ranking (higher first). */
export interface HealthFinding extends Ownership {
  severity: number;
  /** `Kind/name`, as the text shows it; `kind` and `name` say the same as data. */
  object: string;
  kind: string;
  name: string;
  problem: string;
}

const SEVERE =
  /CrashLoopBackOff|OOMKilled|ImagePullBackOff|ErrImagePull|CreateContainerConfigError|InvalidImageName|Evicted|FailedScheduling|not scheduled|ProgressDeadlineExceeded|ReplicaFailure/;

/** Lists everything unhealthy in a namespace, ranked by severity: workloads, pods, PVCs, services, warnings. */
export const getNamespaceHealthTool = defineKubernetesTool({
  name: 'get_namespace_health',
  title: 'Get namespace health',
  description:
    'Everything unhealthy in one namespace in one call, ranked worst first: workloads below desired replicas or ' +
    'stuck rollouts, pods crashing / pending / ' +
    ('not ready (with reason), unbound PVCs, Services without ready endpoints, failed Jobs, and the top Warning ' +
      'event groups. Healthy objects are only counted.'),
  inputSchema: z.strictObject({
    namespace: namespaceSchema,
    sinceMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(60)
      .describe('Window for Warning events (default 60).'),
    limit: z.number().int().min(1).max(100).default(20).describe('Findings to show (worst first).'),
  }),
  outputSchema: z.object({
    namespace: z.string(),
    isHealthy: z.boolean(),
    findings: z.array(
      z.object({
        severity: z.number(),
        object: z.string(),
        kind: z.string(),
        name: z.string(),
        problem: z.string(),
        ...ownershipFields,
      }),
    ),
    totalFindings: z.number().int(),
    warningEvents: z.array(eventGroupSchema),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const now = deps.now();
    const namespace = input.namespace;
    const [pods, deployments, statefulSets, daemonSets, jobs, claims, services, endpoints, events] = await Promise.all([
      deps.kube.list(type('Pod'), { namespace }) as Promise<PodShape[]>,
      deps.kube.list(type('Deployment'), { namespace }) as Promise<WorkloadShape[]>,
      deps.kube.list(type('StatefulSet'), { namespace }) as Promise<WorkloadShape[]>,
      deps.kube.list(type('DaemonSet'), { namespace }) as Promise<WorkloadShape[]>,
      deps.kube.list(type('Job'), { namespace }) as Promise<WorkloadShape[]>,
      deps.kube.list(type('PersistentVolumeClaim'), { namespace }),
      deps.kube.list(type('Service'), { namespace }) as Promise<ServiceShape[]>,
      deps.kube.list(type('Endpoints'), { namespace }),
      deps.kube.list(type('Event'), { namespace }) as Promise<EventShape[]>,
    ]);
    const findings: HealthFinding[] = [];
    const about = (kind: string, name: string) => ({ object: `${kind}/${name}`, kind, name });
    const workloads = [...deployments, ...statefulSets, ...daemonSets, ...jobs];
    for (const workload of workloads) {
      const state = rolloutState(workload);
      if (state.isHealthy) continue;
      const problem = [state.summary, ...state.problems].join('; ');
      findings.push({
        severity: 80 + (SEVERE.test(problem) ? 10 : 0) + (/^0\//.test(state.summary) ? 5 : 0),
        ...about(workload.kind ?? '?', workload.metadata.name),
        problem,
      });
    }
    const podSummaries = pods.map((pod) => summarizePod(pod, now));
    for (const pod of podSummaries) {
      if (pod.isHealthy) continue;
      const problem = pod.problems.join('; ');
      findings.push({
        severity: (SEVERE.test(problem) ? 70 : 50) + Math.min(pod.restarts, 9),
        ...about('Pod', pod.name),
        problem: `${pod.phase} ${pod.ready} restarts=${pod.restarts}: ${problem}`,
      });
    }
    for (const claim of claims) {
      const phase = (claim.status as { phase?: string } | undefined)?.phase ?? 'Unknown';
      if (phase !== 'Bound')
        findings.push({
          severity: 60,
          ...about('PersistentVolumeClaim', claim.metadata.name),
          problem: `${phase} for ${formatAge(claim.metadata.creationTimestamp, now)}`,
        });
    }
    for (const service of services) {
      const selector = service.spec?.selector;
      if (!selector || Object.keys(selector).length === 0 || service.spec?.type === 'ExternalName') continue;
      const endpoint = endpoints.find((candidate) => candidate.metadata.name === service.metadata.name) as
        { subsets?: Array<{ addresses?: unknown[] }> } | undefined;
      const ready = (endpoint?.subsets ?? []).reduce((sum, subset) => sum + (subset.addresses?.length ?? 0), 0);
      if (ready > 0) continue;
      const matching = pods.filter((pod) => labelsMatch(selector, pod.metadata.labels)).length;
      findings.push({
        severity: 65,
        ...about('Service', service.metadata.name),
        problem:
          matching === 0
            ? 'selector matches no pods (call check_service)'
            : `no ready endpoints (${matching} pods selected, none ready)`,
      });
    }
    findings.sort((left, right) => right.severity - left.severity || left.object.localeCompare(right.object));
    const warnings = groupEvents(
      recentEvents(
        events.filter((event) => event.type === 'Warning'),
        now,
        input.sinceMinutes,
      ),
    );
    const healthyWorkloads =
      workloads.length -
      findings.filter(
        (finding) =>
          !finding.object.startsWith('Pod/') &&
          !finding.object.includes('Service/') &&
          !finding.object.startsWith('PersistentVolumeClaim/'),
      ).length;
    const lines = [
      `namespace ${namespace}: ${findings.length === 0 ? 'healthy' : `${findings.length} problem(s)`} — ` +
        `${workloads.length} workloads (${healthyWorkloads} healthy), ${pods.length} pods ` +
        `(${podSummaries.filter((pod) => pod.isHealthy).length} healthy), ${services.length} services, ` +
        `${claims.length} PVCs`,
    ];
    for (const finding of findings.slice(0, input.limit)) lines.push(`  ! ${finding.object}: ${finding.problem}`);
    if (findings.length > input.limit) lines.push(`  … ${findings.length - input.limit} more findings; raise limit`);
    if (warnings.length > 0) {
      lines.push(`warning events, last ${input.sinceMinutes}m (${warnings.length} groups):`);
      for (const group of warnings.slice(0, 8)) lines.push(formatEventGroup(group, now));
      if (warnings.length > 8)
        lines.push(`  … ${warnings.length - 8} more groups; call list_events namespace=${namespace}`);
    }
    // Everything of these kinds in the namespace was just listed: ownership needs at most the ReplicaSets and CronJobs.
    const resolver = createOwnershipResolver(deps.kube);
    const lists: Array<[string, KubeObject[]]> = [
      ['Pod', pods],
      ['Deployment', deployments],
      ['StatefulSet', statefulSets],
      ['DaemonSet', daemonSets],
      ['Job', jobs],
      ['PersistentVolumeClaim', claims],
      ['Service', services],
    ];
    for (const [kind, objects] of lists) resolver.rememberList(kind, namespace, objects);
    const [shownFindings, shownWarnings] = await Promise.all([
      Promise.all(
        findings.slice(0, input.limit).map(async (finding) => ({
          ...finding,
          ...(await resolver.ownershipOfRef({ kind: finding.kind, name: finding.name, namespace })),
        })),
      ),
      withEventOwnership(warnings.slice(0, 8), resolver),
    ]);
    return {
      text: fitLines(lines, undefined, 'call describe_workload on the first findings'),
      structured: {
        namespace,
        isHealthy: findings.length === 0,
        findings: shownFindings,
        totalFindings: findings.length,
        warningEvents: shownWarnings,
      },
    };
  },
});
