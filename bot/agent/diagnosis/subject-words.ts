import type { Entities } from '../entities.js';
import type { GatheredSection } from '../evidence/section.js';

/** The object under investigation and what is broken about it, in words for the answer. */
export interface SubjectWords {
  /** `Deployment shop/checkout on prod-eu (Argo CD app checkout on argocd-eu-1)`. */
  where?: string;
  /** `Argo CD app checkout on argocd-eu-1 is Degraded and OutOfSync; Deployment shop/checkout: 2/3 ready`. */
  impact?: string;
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
        if (data.rollout) rollout = `${data.kind} ${data.namespace}/${data.name}: ${data.rollout.summary}`;
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
  const appLabel = app ? `Argo CD app ${app.name} on ${app.instance}` : undefined;
  const where = workload ? `${workload}${appLabel ? ` (${appLabel})` : ''}` : appLabel;
  const impact = [appState, rollout].filter(Boolean).join('; ');
  return { ...(where ? { where } : {}), ...(impact ? { impact } : {}) };
}
