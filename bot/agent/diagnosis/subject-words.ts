import type { Entities } from '../entities.js';
import type { GatheredSection } from '../evidence/section.js';
import type { ResultOf } from '../tool-results/result-schemas.js';
import { failingResources } from './facts.js';

/** The object under investigation and what is broken about it, in words for the answer. */
export interface SubjectWords {
  /** `Deployment shop/checkout on prod-eu (Argo CD app checkout on argocd-eu-1)`. */
  where?: string;
  /** `Argo CD app checkout on argocd-eu-1 is Degraded and OutOfSync; Deployment shop/checkout: 2/3 ready`. */
  impact?: string;
}

/** `2 pods not ready (checkout ImagePullBackOff)`: how many pods suffer, and the container states they show. */
function podStates(workload: ResultOf<'describe_workload'>): string | undefined {
  const unhealthy = workload.pods.filter((pod) => !pod.isHealthy);
  if (unhealthy.length === 0) return undefined;
  const states = new Set(
    unhealthy.flatMap((pod) =>
      pod.containers
        .filter((container) => container.state !== 'running' || container.restarts > 0)
        .map((container) => `${container.name} ${container.reason ?? container.state.replace(/^\w+: /, '')}`),
    ),
  );
  const count = `${unhealthy.length} pod${unhealthy.length === 1 ? '' : 's'} not healthy`;
  return states.size > 0 ? `${count} (${[...states].slice(0, 3).join('; ')})` : count;
}

/** A namespace question: what fails in it (policy results per rule, with the resources). */
function placeWords(entities: Entities, sections: readonly GatheredSection[]): SubjectWords {
  const groups = sections.flatMap((section) =>
    section.tool === 'list_policy_violations' ? section.read.answers.flatMap((answer) => answer.data.groups) : [],
  );
  const where = entities.namespace
    ? `namespace ${entities.namespace}${entities.cluster ? ` on ${entities.cluster}` : ''}`
    : undefined;
  if (groups.length === 0) return where ? { where } : {};
  const rules = groups.map((group) => `${group.policy} (${group.resources.length} resource(s))`);
  const resources = failingResources([{ groups }]);
  const impact =
    `${rules.length} policy rule(s) fail${where ? ` in ${where}` : ''}: ${rules.join(', ')}; failing resources: ` +
    `${resources.join(', ')}`;
  return { ...(where ? { where } : {}), impact };
}

/** Names the subject and states its impact from the app's and the workload's status. */
export function subjectWords(entities: Entities, sections: readonly GatheredSection[]): SubjectWords {
  const { app } = entities;
  let workload: string | undefined;
  let rollout: string | undefined;
  let appState: string | undefined;
  for (const section of sections) {
    if (section.tool === 'describe_workload' && !workload) {
      const data = section.read.answers[0]?.data;
      if (data) {
        workload = `${data.kind} ${data.namespace}/${data.name}${section.instance ? ` on ${section.instance}` : ''}`;
        const states = podStates(data);
        if (data.rollout || states)
          rollout =
            `${data.kind} ${data.namespace}/${data.name}: ` +
            `${[data.rollout?.summary, states].filter(Boolean).join(', ')}`;
      }
    }
    if (section.tool === 'get_application' && app && section.target === `app/${app.name}`) {
      const data = section.read.answers[0]?.data;
      if (data) {
        const states = [data.health, data.sync && data.sync !== 'Synced' ? data.sync : undefined].filter(Boolean);
        appState = `Argo CD app ${data.name} on ${app.instance} is ${states.join(' and ') || 'in an unknown state'}`;
      }
    }
  }
  if (!app && !entities.workload) return placeWords(entities, sections);
  const appLabel = app ? `Argo CD app ${app.name} on ${app.instance}` : undefined;
  // The workload where there is one (the summary names the app); the app otherwise.
  const where = workload ?? appLabel;
  const impact = [appState, rollout].filter(Boolean).join('; ');
  return { ...(where ? { where } : {}), ...(impact ? { impact } : {}) };
}
