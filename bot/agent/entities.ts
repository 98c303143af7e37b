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
  /**
   * The other candidates people may want instead (the same app in another environment, the next
   * broken app of a sweep), worst first, each with the question that investigates it.
   */
  choices?: Choice[];
  unreachable: string[];
  /** Set when the question named nothing and the whole estate was swept for unhealthy apps and workloads. */
  swept?: { unhealthyApps: number; unhealthyWorkloads: number; policyViolations: number };
}

/** Something else to investigate, offered as a button: what it is and the question that asks about it. */
export interface Choice {
  label: string;
  question: string;
}

/** Defaults a support channel can set (team, cluster, Argo CD instance, namespace). */
export interface ChannelDefaults {
  cluster?: string;
  argocdInstance?: string;
  namespace?: string;
}
