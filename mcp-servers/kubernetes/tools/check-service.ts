import { z } from 'zod';
import { McpServerError } from '../../common/errors.js';
import { argocdAppOf, createOwnershipResolver, ownershipFields } from '../../common/kube-ownership.js';
import { findWellKnownType, type ResourceType } from '../../common/kube-types.js';
import { closestMatches } from '../../common/output-budget.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { defineKubernetesTool } from '../deps.js';
import { labelsMatch, type EndpointsShape, type PodShape, type ServiceShape } from '../kube-shapes.js';
import { ingressPoliciesFor, ingressPolicySchema, policyLine } from '../network-policies.js';
import { summarizePod } from '../pod-status.js';
import { namespaceSchema, objectNameSchema } from '../workload-lookup.js';

const type = (kind: string): ResourceType => findWellKnownType(kind) as ResourceType; // well-known kinds only

const endpointSchema = z.object({ ip: z.string(), pod: z.string().optional() });

/** Output schema of check_service: selector, endpoints, port wiring and near-miss pods as data. */
export const checkServiceOutputSchema = z.object({
  service: z.string(),
  namespace: z.string(),
  type: z.string(),
  clusterIP: z.string().optional(),
  argocdApp: z.string().optional(),
  selector: z.record(z.string(), z.string()),
  selectedPods: z.array(z.string()),
  pods: z
    .array(z.object({ name: z.string(), isHealthy: z.boolean(), ...ownershipFields }))
    .describe('Selected pods with their owners.'),
  readyEndpoints: z.number().int(),
  notReadyEndpoints: z.number().int(),
  endpoints: z.object({
    ready: z.array(endpointSchema),
    notReady: z.array(endpointSchema.extend({ problem: z.string().optional() })),
  }),
  ports: z.array(
    z.object({
      name: z.string().optional(),
      port: z.number().int(),
      targetPort: z.union([z.number().int(), z.string()]),
      protocol: z.string(),
      declaredBy: z.number().int().describe('Selected pods with a container declaring the target port.'),
      containerPorts: z.array(z.string()).describe('`8080(http)` ports the selected containers declare.'),
    }),
  ),
  nearMisses: z.array(
    z.object({
      pod: z.string(),
      differing: z.array(z.object({ key: z.string(), wanted: z.string(), actual: z.string().optional() })),
      labels: z.record(z.string(), z.string()),
    }),
  ),
  networkPolicies: z
    .array(ingressPolicySchema)
    .describe('Ingress NetworkPolicies selecting these pods: traffic from peers they do not admit is dropped.'),
  problems: z.array(z.string()),
  isHealthy: z.boolean(),
});

/** Checks a Service end to end: selector vs pod labels, ready endpoints, port wiring. */
export const checkServiceTool = defineKubernetesTool({
  name: 'check_service',
  title: 'Check service',
  description:
    'Check why a Service does (not) route traffic: does its selector match any pods (and which labels differ on ' +
    'near-miss pods), ' +
    'how many endpoints are ready vs not ready, and does each targetPort exist on the selected containers.',
  inputSchema: z.strictObject({ name: objectNameSchema, namespace: namespaceSchema }),
  outputSchema: checkServiceOutputSchema,
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const now = deps.now();
    const service = (await deps.kube.get(type('Service'), input.namespace, input.name)) as ServiceShape | undefined;
    if (!service) {
      const services = await deps.kube.list(type('Service'), { namespace: input.namespace });
      const closest = closestMatches(
        input.name,
        services.map((candidate) => candidate.metadata.name),
      );
      throw new McpServerError(
        'not_found',
        `Service '${input.name}' not found in ` +
          `${input.namespace}.${closest.length ? ` Closest: ${closest.join(', ')}.` : ''} Call list_resources ` +
          `kind=Service namespace=${input.namespace}.`,
      );
    }
    const spec = service.spec ?? {};
    const selector = spec.selector ?? {};
    const [pods, endpoints] = await Promise.all([
      deps.kube.list(type('Pod'), { namespace: input.namespace }) as Promise<PodShape[]>,
      deps.kube.get(type('Endpoints'), input.namespace, input.name) as Promise<EndpointsShape | undefined>,
    ]);
    const selected = pods.filter((pod) => labelsMatch(selector, pod.metadata.labels));
    const problems: string[] = [];
    const lines: string[] = [];
    const nearMissData: z.infer<typeof checkServiceOutputSchema>['nearMisses'] = [];
    const portData: z.infer<typeof checkServiceOutputSchema>['ports'] = [];
    const selectorText = Object.entries(selector)
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    lines.push(
      `Service ${input.namespace}/${input.name} ${spec.type ?? 'ClusterIP'} ${spec.clusterIP ?? ''} selector: ` +
        `${selectorText || '(none: endpoints managed manually)'}`,
    );
    if (Object.keys(selector).length > 0 && selected.length === 0) {
      // Near misses: pods sharing at least one selector label, with the labels that differ.
      // Near misses: pods sharing a selector key or value, or named after the Service.
      const selectorValues = new Set(Object.values(selector));
      const nearMisses = pods
        .map((pod) => ({
          pod,
          differing: Object.entries(selector).filter(([key, value]) => pod.metadata.labels?.[key] !== value),
        }))
        .filter(
          ({ pod, differing }) =>
            differing.length < Object.keys(selector).length ||
            Object.values(pod.metadata.labels ?? {}).some((value) => selectorValues.has(value)) ||
            pod.metadata.name.startsWith(`${input.name}-`),
        )
        .slice(0, 3);
      problems.push(`selector matches no pods in ${input.namespace}`);
      for (const { pod, differing } of nearMisses) {
        const podLabels = pod.metadata.labels ?? {};
        nearMissData.push({
          pod: pod.metadata.name,
          differing: differing.map(([key, wanted]) => ({
            key,
            wanted,
            ...(podLabels[key] === undefined ? {} : { actual: podLabels[key] }),
          })),
          labels: podLabels,
        });
        const labels = Object.entries(pod.metadata.labels ?? {})
          .filter(([key]) => key !== 'pod-template-hash')
          .map(([key, value]) => `${key}=${value}`)
          .join(',');
        problems.push(
          `pod ${pod.metadata.name} differs on ` +
            differing
              .map(
                ([key, value]) =>
                  `${key} (service wants '${value}', pod has '${pod.metadata.labels?.[key] ?? '<unset>'}')`,
              )
              .join(', ') +
            '; ' +
            `pod labels: ${labels || 'none'}`,
        );
      }
    }
    const ready = (endpoints?.subsets ?? []).flatMap((subset) => subset.addresses ?? []);
    const notReady = (endpoints?.subsets ?? []).flatMap((subset) => subset.notReadyAddresses ?? []);
    lines.push(
      `pods selected: ${selected.length} (${selected.filter((pod) => summarizePod(pod, now).isHealthy).length} ` +
        `healthy); endpoints: ${ready.length} ready, ${notReady.length} not ready`,
    );
    if (selected.length > 0 && ready.length === 0)
      problems.push('no ready endpoints: selected pods are not passing readiness');
    const notReadyData: z.infer<typeof checkServiceOutputSchema>['endpoints']['notReady'] = [];
    for (const address of notReady) {
      const pod = pods.find((candidate) => candidate.metadata.name === address.targetRef?.name);
      const why = pod ? summarizePod(pod, now).problems[0] : undefined;
      notReadyData.push({
        ip: address.ip,
        ...(address.targetRef?.name ? { pod: address.targetRef.name } : {}),
        ...(why ? { problem: why } : {}),
      });
    }
    for (const address of notReady.slice(0, 5)) {
      const pod = pods.find((candidate) => candidate.metadata.name === address.targetRef?.name);
      const why = pod ? summarizePod(pod, now).problems[0] : undefined;
      problems.push(`not ready: ${address.targetRef?.name ?? address.ip}${why ? ` — ${why}` : ''}`);
    }
    const portLines: string[] = [];
    for (const port of spec.ports ?? []) {
      const target = port.targetPort ?? port.port;
      const exposing = selected.filter((pod) =>
        (pod.spec?.containers ?? []).some((container) =>
          (container.ports ?? []).some((containerPort) =>
            typeof target === 'number' ? containerPort.containerPort === target : containerPort.name === target,
          ),
        ),
      );
      const declared = [
        ...new Set(
          selected.flatMap((pod) =>
            (pod.spec?.containers ?? []).flatMap((container) =>
              (container.ports ?? []).map(
                (containerPort) =>
                  `${containerPort.containerPort}${containerPort.name ? `(${containerPort.name})` : ''}`,
              ),
            ),
          ),
        ),
      ];
      portData.push({
        ...(port.name ? { name: port.name } : {}),
        port: port.port,
        targetPort: target,
        protocol: port.protocol ?? 'TCP',
        declaredBy: exposing.length,
        containerPorts: declared,
      });
      portLines.push(
        `  ${port.name ? `${port.name} ` : ''}${port.port} -> ${target}/${port.protocol ?? 'TCP'}: ` +
          (selected.length === 0
            ? 'no pods to check'
            : exposing.length > 0
              ? `declared by ${exposing.length}/${selected.length} pods`
              : `NOT declared by any selected container (containers declare ${declared.join(', ') || 'no ports'})`),
      );
      if (selected.length > 0 && exposing.length === 0 && typeof target === 'string')
        problems.push(`targetPort '${target}' is a name no selected container declares`);
      else if (selected.length > 0 && exposing.length === 0 && declared.length > 0)
        problems.push(`targetPort ${target} is not among the container ports ${declared.join(', ')}`);
    }
    lines.push('ports:', ...portLines);
    const networkPolicies = await ingressPoliciesFor(deps.kube, input.namespace, selected);
    if (networkPolicies.length > 0)
      lines.push(`ingress NetworkPolicies on the selected pods: ${networkPolicies.map(policyLine).join('; ')}`);
    lines.push(problems.length > 0 ? 'problems:' : 'verdict: selector, endpoints and ports look consistent');
    for (const problem of problems) lines.push(`  ! ${problem}`);
    const resolver = createOwnershipResolver(deps.kube);
    resolver.rememberList('Pod', input.namespace, pods);
    const podData = await Promise.all(
      selected.map(async (pod) => ({
        name: pod.metadata.name,
        isHealthy: summarizePod(pod, now).isHealthy,
        ...(await resolver.ownershipOf(pod)),
      })),
    );
    const argocdApp = argocdAppOf(service.metadata);
    return {
      text: lines.join('\n'),
      structured: {
        service: input.name,
        namespace: input.namespace,
        type: spec.type ?? 'ClusterIP',
        ...(spec.clusterIP ? { clusterIP: spec.clusterIP } : {}),
        ...(argocdApp ? { argocdApp } : {}),
        selector,
        selectedPods: selected.map((pod) => pod.metadata.name),
        pods: podData,
        readyEndpoints: ready.length,
        notReadyEndpoints: notReady.length,
        endpoints: {
          ready: ready.map((address) => ({
            ip: address.ip,
            ...(address.targetRef?.name ? { pod: address.targetRef.name } : {}),
          })),
          notReady: notReadyData,
        },
        ports: portData,
        nearMisses: nearMissData,
        networkPolicies,
        problems,
        isHealthy: problems.length === 0,
      },
    };
  },
});
