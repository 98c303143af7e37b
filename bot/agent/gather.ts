import type { GatheredSection } from './evidence-lines.js';
import type { PipelineStep } from './ports.js';
import type { Entities } from './resolve.js';
import type { ToolCaller } from './tool-caller.js';

export interface GatherBudget {
  /** Tool calls at most. */
  maxCalls: number;
  /** Wall time for the whole gather step; calls not started by then are skipped. */
  timeMs: number;
}

export const defaultGatherBudget: GatherBudget = { maxCalls: 14, timeMs: 20_000 };

export interface GatherResult {
  sections: GatheredSection[];
  instances: string[];
  cluster?: string;
  skipped: number;
}

interface PlannedCall {
  tool: string;
  args: Record<string, unknown>;
  target: string;
}

/** Hosts a crashing or erroring process failed to reach, read from its log lines. */
export function unreachableHosts(text: string): string[] {
  const hosts = new Set<string>();
  for (const match of text.matchAll(/lookup ([a-z0-9][a-z0-9.-]*)(?: on \S+)?: no such host/gi)) if (match[1]) hosts.add(match[1]);
  for (const match of text.matchAll(/dial tcp ([a-z][a-z0-9.-]*):\d+: connect: connection refused/gi)) if (match[1]) hosts.add(match[1]);
  for (const match of text.matchAll(/(?:connect|connection) to ([a-z][a-z0-9.-]*)(?::\d+)? (?:refused|failed)/gi)) if (match[1]) hosts.add(match[1]);
  // Go's net/http names the URL before the dialled IP: Get "http://cart.shop.svc.cluster.local:80/": dial tcp 10.1.2.3:80: connect: connection refused
  for (const match of text.matchAll(/"https?:\/\/([a-z][a-z0-9.-]*)(?::\d+)?[^"]*": dial tcp [^\s]+: connect: connection refused/gi)) if (match[1]) hosts.add(match[1]);
  return [...hosts];
}

/** `payments-api.shop.svc.cluster.local` -> service payments-api in namespace shop. */
export function serviceOfHost(host: string, defaultNamespace: string | undefined): { name: string; namespace: string } | undefined {
  const [name, namespace] = host.split('.');
  if (!name) return undefined;
  const resolvedNamespace = namespace && namespace !== 'svc' ? namespace : defaultNamespace;
  return resolvedNamespace ? { name, namespace: resolvedNamespace } : undefined;
}

/** The federated instance of `tool` that serves `cluster` (same name, or a name containing it). */
function instanceFor(tools: ToolCaller, tool: string, cluster: string | undefined): string | undefined {
  if (!cluster) return undefined;
  const instances = tools.instancesOf(tool);
  if (instances.length === 0) return cluster;
  return instances.find((instance) => instance === cluster) ?? instances.find((instance) => instance.includes(cluster) || cluster.includes(instance));
}

/** Maps an Argo CD destination (name or server URL) to a Kubernetes instance of the gateway. */
function clusterOfDestination(tools: ToolCaller, destination: Record<string, unknown> | undefined): string | undefined {
  if (!destination) return undefined;
  const instances = tools.instancesOf('describe_workload');
  const name = typeof destination.name === 'string' ? destination.name : undefined;
  const server = typeof destination.server === 'string' ? destination.server : '';
  return instances.find((instance) => instance === name) ?? instances.find((instance) => server.includes(instance)) ?? (instances.length === 1 ? instances[0] : undefined);
}

/**
 * Gathers a compact evidence bundle in two parallel rounds, bounded by calls and time: first the
 * app, workload, namespace events and policy state; then what the first round points at (the
 * diff of an OutOfSync app, the workload behind an app, services a crashing process cannot reach).
 */
export async function gatherEvidence(
  entities: Entities,
  tools: ToolCaller,
  options: { budget: GatherBudget; now: () => number; onProgress?: (step: PipelineStep, message: string) => void },
): Promise<GatherResult> {
  const deadline = options.now() + options.budget.timeMs;
  const sections: GatheredSection[] = [];
  const instances = new Set<string>();
  let calls = 0;
  let skipped = 0;
  let done = 0;
  let planned = 0;

  async function runRound(round: PlannedCall[]): Promise<void> {
    const runnable = round.filter((call) => tools.has(call.tool));
    planned += runnable.length;
    await Promise.all(
      runnable.map(async (call) => {
        if (calls >= options.budget.maxCalls || options.now() > deadline) {
          skipped += 1;
          return;
        }
        calls += 1;
        const result = await tools.call(call.tool, call.args);
        done += 1;
        const instance = typeof call.args.instance === 'string' ? call.args.instance : undefined;
        if (instance) instances.add(instance);
        sections.push({ tool: call.tool, ...(instance ? { instance } : {}), target: call.target, text: result.text, isError: result.isError });
        options.onProgress?.('gather', `gathering ${done}/${planned}: ${call.tool} ${call.target}`);
      }),
    );
  }

  const { app, workload } = entities;
  let cluster = entities.cluster;
  let namespace = entities.namespace;
  const first: PlannedCall[] = [];
  if (app) {
    const args = { name: app.name, instance: app.instance };
    first.push({ tool: 'get_application', args, target: `app/${app.name}` });
    first.push({ tool: 'get_application_tree', args, target: `app/${app.name}` });
    first.push({ tool: 'get_application_events', args: { ...args, warningsOnly: true }, target: `app/${app.name}` });
  }
  for (const other of entities.related) first.push({ tool: 'get_application', args: { name: other.name, instance: other.instance }, target: `app/${other.name}` });
  if (!app && !workload && entities.namespace) {
    const instance = instanceFor(tools, 'get_namespace_health', entities.cluster);
    first.push({ tool: 'get_namespace_health', args: { namespace: entities.namespace, ...(instance ? { instance } : {}) }, target: `namespace/${entities.namespace}` });
  }
  if (workload) {
    first.push({ tool: 'describe_workload', args: { name: workload.name, namespace: workload.namespace, kind: workload.kind, instance: workload.cluster }, target: `${workload.kind.toLowerCase()}/${workload.namespace}/${workload.name}` });
  }
  await runRound(first);

  const application = sections.find((section) => section.tool === 'get_application');
  const second: PlannedCall[] = [];
  const appText = application?.text ?? '';
  if (app && /OutOfSync/.test(appText)) second.push({ tool: 'get_application_diff', args: { name: app.name, instance: app.instance }, target: `app/${app.name}` });
  if (!cluster && app) {
    // The app's destination names the cluster when no workload was found (e.g. a sync that never applied).
    const destination = /destination:?\s*(\S+)/i.exec(appText)?.[1];
    cluster = clusterOfDestination(tools, destination ? { name: destination, server: destination } : undefined);
  }
  if (!namespace && app?.namespace) namespace = app.namespace;
  const k8sInstance = instanceFor(tools, 'list_events', cluster);
  const kyvernoInstance = instanceFor(tools, 'list_policy_violations', cluster);
  if (namespace) {
    second.push({ tool: 'list_events', args: { namespace, type: 'Warning', ...(k8sInstance ? { instance: k8sInstance } : {}) }, target: `namespace/${namespace}` });
    second.push({ tool: 'list_policy_violations', args: { namespace, ...(kyvernoInstance ? { instance: kyvernoInstance } : {}) }, target: `namespace/${namespace}` });
  }
  if (app || namespace) {
    second.push({
      tool: 'explain_admission_denial',
      args: { ...(namespace ? { namespace } : {}), ...(app ? { name: app.name } : {}), ...(kyvernoInstance ? { instance: kyvernoInstance } : {}) },
      target: app ? `app/${app.name}` : `namespace/${namespace}`,
    });
  }
  if (!workload && app && namespace && k8sInstance) {
    second.push({ tool: 'describe_workload', args: { name: app.name, namespace, instance: k8sInstance }, target: `workload/${namespace}/${app.name}` });
  }
  await runRound(second);

  // Logs of the workload: the previous run of a crashing container, or errors of a running one.
  const third: PlannedCall[] = [];
  const describe = sections.find((section) => section.tool === 'describe_workload');
  const describedWorkload = workload ?? (describe && namespace && k8sInstance && app ? { name: app.name, namespace, cluster: k8sInstance } : undefined);
  if (describe && describedWorkload && !/last log lines/.test(describe.text)) {
    const pod = /^\s+(\S+-[a-z0-9]{5,10}-[a-z0-9]{5})\s/m.exec(describe.text)?.[1];
    const isCrashing = /CrashLoopBackOff|terminated (Error|OOMKilled)/.test(describe.text);
    if (pod) {
      third.push({
        tool: 'get_pod_logs',
        args: isCrashing
          ? { name: pod, namespace: describedWorkload.namespace, previous: true, tailLines: 40, instance: describedWorkload.cluster }
          : { name: pod, namespace: describedWorkload.namespace, tailLines: 200, grep: '/error|fail|refused|no such host|timeout|unavailable|denied|exception/i', instance: describedWorkload.cluster },
        target: `pod/${describedWorkload.namespace}/${pod}`,
      });
    }
  }
  await runRound(third);

  // Services a process could not reach, named in any log line gathered so far.
  const fourth: PlannedCall[] = [];
  const allText = sections.map((section) => section.text).join('\n');
  for (const host of unreachableHosts(allText).slice(0, 3)) {
    const service = serviceOfHost(host, namespace);
    if (service) fourth.push({ tool: 'check_service', args: { ...service, ...(k8sInstance ? { instance: k8sInstance } : {}) }, target: `service/${service.namespace}/${service.name}` });
  }
  await runRound(fourth);

  // Most telling first: Argo CD state, the workload, then events, policies, services, logs.
  const order = ['get_application', 'describe_workload', 'explain_admission_denial', 'get_application_diff', 'check_service', 'get_pod_logs', 'list_policy_violations', 'get_application_events', 'list_events', 'get_application_tree'];
  sections.sort((left, right) => order.indexOf(left.tool) - order.indexOf(right.tool));
  return { sections, instances: [...instances], ...(cluster ? { cluster } : {}), skipped };
}
