/**
 * What the structured facts add to a root-cause statement: the concrete names and values a
 * Kubernetes message leaves out (the scheduler says no node matched, not which label it wanted).
 * Each detail applies when the statement says its kind of failure and the facts hold its
 * values; one that repeats only what the statement says already is left out.
 */
import type { DiagnosisFacts } from './facts.js';

interface CauseDetail {
  /** The kind of failure the statement must state. */
  when: RegExp;
  /** The clause, or undefined when the facts lack its values. */
  detail: (facts: DiagnosisFacts) => { text: string; values: string[] } | undefined;
}

const DETAILS: readonly CauseDetail[] = [
  {
    when: /node affinity|nodeSelector/i,
    detail: ({ nodeSelector, nodeLabels }) =>
      nodeSelector
        ? {
            text: `the pods ask for ${nodeSelector}${nodeLabels ? `, the nodes carry ${nodeLabels}` : ''}`,
            values: [nodeSelector],
          }
        : undefined,
  },
  {
    when: /StorageClass|storageclass/,
    detail: ({ claim, storageClass, storageClasses }) =>
      claim && storageClass
        ? {
            text:
              `${claim} asks for StorageClass ${storageClass}` +
              (storageClasses ? ` (the cluster has ${storageClasses})` : ''),
            values: [claim.replace(/^\S+ /, ''), storageClass],
          }
        : undefined,
  },
  {
    when: /probe failed/i,
    detail: ({ probePort, containerPort }) =>
      probePort && containerPort && !containerPort.split(/,\s*/).includes(probePort)
        ? {
            text: `the probe checks port ${probePort}, but the container listens on ${containerPort}`,
            values: [probePort, containerPort],
          }
        : undefined,
  },
  {
    when: /probe failed.*(?:timeout|deadline|did not answer)/i,
    detail: ({ cpuLimit, container }) =>
      cpuLimit
        ? {
            text:
              `${container ? `container ${container}` : 'the container'} runs under a CPU limit of ` +
              `${cpuLimit}, and throttled it answers too late`,
            values: [cpuLimit],
          }
        : undefined,
  },
  {
    when: /no such host/i,
    detail: ({ serviceHost }) =>
      serviceHost
        ? {
            text: `the Service that exists is ${serviceHost}`,
            values: [serviceHost],
          }
        : undefined,
  },
  {
    when: /i\/o timeout|deadline exceeded/i,
    detail: ({ networkPolicy, allowedPeers }) =>
      networkPolicy && allowedPeers
        ? {
            text: `${networkPolicy} on the pods behind it admits only ${allowedPeers}`,
            values: [networkPolicy.replace(/^\S+ /, '')],
          }
        : undefined,
  },
];

/** The clauses the facts add to a statement, in the order above; empty when none applies. */
export function causeDetails(statement: string, facts: DiagnosisFacts): string[] {
  const said = statement.toLowerCase();
  return DETAILS.flatMap(({ when, detail }) => {
    if (!when.test(statement)) return [];
    const found = detail(facts);
    if (!found || found.values.every((value) => said.includes(value.toLowerCase()))) return [];
    return [found.text];
  });
}
