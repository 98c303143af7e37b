/**
 * What an agent calls to answer each sandbox scenario: with our servers, and the equivalent calls
 * with the published `argocd-mcp` and `mcp-server-kubernetes` (same facts sought, their tool set).
 */

/** One call to one of our servers. `fromPrevious` fills arguments from an earlier result of ours. */
export interface OurCall {
  server: 'kubernetes' | 'argocd' | 'kyverno';
  tool: string;
  args: Record<string, unknown>;
  /** Argument name -> path in the structuredContent of the previous call (e.g. operation.message). */
  fromPrevious?: Record<string, string>;
}

/** One call to a peer server. `podOf` asks the runner to fill `name` with the least healthy pod of a workload. */
export interface TheirCall {
  server: 'argocd-mcp' | 'mcp-server-kubernetes';
  tool: string;
  args: Record<string, unknown>;
  podOf?: string;
}

export interface ScenarioPlan {
  ours: OurCall[];
  theirs: TheirCall[];
}

interface Target {
  app: string;
  namespace: string;
  cluster: string;
  workload?: string;
}

const appStatus = (t: Target): ScenarioPlan => ({
  ours: [{ server: 'argocd', tool: 'get_application', args: { name: t.app } }],
  theirs: [{ server: 'argocd-mcp', tool: 'get_application', args: { applicationName: t.app } }],
});

/** A workload's health: rollout, pods and why they fail, events (ours: one describe_workload). */
const workload = (t: Target, options: { logs?: boolean } = {}): ScenarioPlan => {
  const name = t.workload ?? t.app;
  const kube = (tool: string, args: Record<string, unknown>, podOf?: string): TheirCall => ({
    server: 'mcp-server-kubernetes',
    tool,
    args: { ...args, namespace: t.namespace, context: t.cluster },
    ...(podOf ? { podOf } : {}),
  });
  return {
    ours: [{ server: 'kubernetes', tool: 'describe_workload', args: { name, namespace: t.namespace } }],
    theirs: [
      kube('kubectl_describe', { resourceType: 'deployment', name }),
      kube('kubectl_get', { resourceType: 'pods', labelSelector: `app=${name}` }),
      kube('kubectl_describe', { resourceType: 'pod' }, name),
      kube('kubectl_get', { resourceType: 'events' }),
      ...(options.logs ? [kube('kubectl_logs', { resourceType: 'pod', previous: true, tail: 80 }, name)] : []),
    ],
  };
};

const join = (...plans: ScenarioPlan[]): ScenarioPlan => ({
  ours: plans.flatMap((plan) => plan.ours),
  theirs: plans.flatMap((plan) => plan.theirs),
});

/** Plans by scenario name. */
export function planFor(scenario: string, t: Target): ScenarioPlan {
  const kube = (tool: string, args: Record<string, unknown>, podOf?: string): TheirCall => ({
    server: 'mcp-server-kubernetes',
    tool,
    args: { ...args, context: t.cluster },
    ...(podOf ? { podOf } : {}),
  });
  switch (scenario) {
    case 'crash-missing-env':
    case 'oomkilled':
    case 'wrong-probe-port':
      return join(appStatus(t), workload(t, { logs: true }));
    case 'missing-storage-class':
      return join(appStatus(t), workload(t), {
        ours: [],
        theirs: [kube('kubectl_describe', { resourceType: 'pvc', name: 'ledger-journal', namespace: t.namespace })],
      });
    case 'service-selector-mismatch':
      return join(appStatus(t), {
        ours: [{ server: 'kubernetes', tool: 'check_service', args: { name: t.app, namespace: t.namespace } }],
        theirs: [
          // kubectl describe service crashes on the sandbox's EndpointSlices (kubectl bug path), so read the Service
          // and Endpoints.
          kube('kubectl_get', { resourceType: 'service', name: t.app, namespace: t.namespace, output: 'yaml' }),
          kube('kubectl_get', { resourceType: 'endpoints', name: t.app, namespace: t.namespace, output: 'yaml' }),
          kube('kubectl_get', { resourceType: 'pods', namespace: t.namespace }),
          kube('kubectl_describe', { resourceType: 'pod', namespace: t.namespace }, t.app),
        ],
      });
    case 'sync-failed-namespace-typo':
      return appStatus(t);
    case 'argocd-drift':
      return join(appStatus(t), {
        ours: [{ server: 'argocd', tool: 'get_application_diff', args: { name: t.app } }],
        theirs: [{ server: 'argocd-mcp', tool: 'get_application_managed_resources', args: { applicationName: t.app } }],
      });
    case 'bad-service-hostname':
      return join(appStatus(t), {
        ours: [
          {
            server: 'kubernetes',
            tool: 'get_pod_logs',
            args: { name: 'checkout', namespace: t.namespace, tailLines: 80 },
          },
        ],
        theirs: [
          kube('kubectl_logs', { resourceType: 'deployment', name: 'checkout', namespace: t.namespace, tail: 80 }),
        ],
      });
    case 'kyverno-enforce-blocks-sync':
      return join(appStatus(t), {
        ours: [
          {
            server: 'kyverno',
            tool: 'explain_admission_denial',
            args: {},
            fromPrevious: { message: 'operation.message' },
          },
        ],
        theirs: [kube('kubectl_get', { resourceType: 'clusterpolicies', name: 'disallow-latest-tag', output: 'yaml' })],
      });
    case 'kyverno-audit-report':
      return {
        ours: [{ server: 'kyverno', tool: 'list_policy_violations', args: { namespace: t.namespace } }],
        theirs: [kube('kubectl_get', { resourceType: 'policyreports', namespace: t.namespace, output: 'yaml' })],
      };
    default:
      return join(appStatus(t), workload(t));
  }
}
