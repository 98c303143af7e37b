/**
 * Evidence: what the investigation pipeline gathered about a problem, in a shape small enough
 * to match skill signals against and to put in a prompt. The pipeline (bot/agent) builds these
 * from gateway tool results; the skill catalog only reads them.
 */

/** What an evidence line is about; signal kinds map onto these (see skills/README.md). */
export type EvidenceKind = 'container_state' | 'event' | 'argocd' | 'kyverno' | 'log' | 'service' | 'other';

/** Every evidence kind, in a stable order (for validation and reports). */
export const EVIDENCE_KINDS = [
  'container_state',
  'event',
  'argocd',
  'kyverno',
  'log',
  'service',
  'other',
] as const satisfies readonly EvidenceKind[];

/**
 * One observation. `source` says where it came from, as a path
 * (`kubernetes/prod-eu/pod/shop/checkout-7d9f`, `argocd/argocd-eu-1/app/payments`);
 * `text` is the observation itself, one or more lines, in the words of the system that
 * reported it (container reasons as `reason=OOMKilled`, events as `Warning FailedScheduling: ...`).
 */
export interface EvidenceItem {
  kind: EvidenceKind;
  source: string;
  text: string;
  /** The reporting tool flagged this line as a problem (e.g. a `!` line of describe_workload). */
  isProblem?: boolean;
  /**
   * The observation as a root-cause sentence, when it differs from `text` (an event without its
   * count and age: `Pod/checkout-x: Failed to pull image …`).
   */
  statement?: string;
  /**
   * What the line is about when a tool reported it for a whole namespace (events, policy
   * results, namespace findings): the objects (`Kind/name`, with their owner chain) and the Argo
   * CD apps that manage them. Absent when the tool was asked about one object.
   */
  about?: { objects: string[]; apps?: string[] };
}

/** Everything gathered for one question. */
export type EvidenceBundle = readonly EvidenceItem[];
