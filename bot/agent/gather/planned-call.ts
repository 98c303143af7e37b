import type { ReadTool } from '../tool-results/result-schemas.js';

/** One call a gather round wants made. */
export interface PlannedCall {
  tool: ReadTool;
  args: Record<string, unknown>;
  /** What the call is about, e.g. `app/checkout`, `deployment/shop/checkout`. */
  target: string;
}

/** The gateway's instances per federated tool, as the planners see them (from the tool list). */
export interface Places {
  instancesOf(tool: string): readonly string[];
}

/** Where the investigation looks after the first round: cluster, namespace and the instances serving them. */
export interface GatherScope {
  cluster?: string;
  namespace?: string;
  /** The Kubernetes instance for `cluster` (list_events, describe_workload, get_pod_logs, check_service). */
  kubernetesInstance?: string;
  /** The Kyverno instance for `cluster`. */
  kyvernoInstance?: string;
}
