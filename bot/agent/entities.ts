/** Where an investigation should look, resolved from the question and the channel. */
export interface Entities {
  app?: { name: string; instance: string; namespace?: string; health?: string; sync?: string };
  /** Other apps the question names on the same instance (a caller and its dependency). */
  related: Array<{ name: string; instance: string; namespace?: string }>;
  workload?: { kind: string; name: string; namespace: string; cluster: string; isHealthy: boolean };
  namespace?: string;
  cluster?: string;
  /** Same-named objects that were not chosen, for the answer's notes. */
  alternatives: string[];
  unreachable: string[];
  /** Set when the question named nothing and the whole estate was swept for unhealthy apps and workloads. */
  swept?: { unhealthyApps: number; unhealthyWorkloads: number; policyViolations: number };
}

/** Defaults a support channel can set (team, cluster, Argo CD instance, namespace). */
export interface ChannelDefaults {
  cluster?: string;
  argocdInstance?: string;
  namespace?: string;
}
