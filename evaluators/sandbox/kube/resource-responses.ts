/**
 * What every REST handler of the simulated API server shares: the NotFound error of a kind,
 * JSON responses, Table negotiation, request bodies (JSON or YAML), the clock and the object a
 * path names.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { KubeApiError, type KubeObject } from './cluster-api.js';
import { apiVersionOf, type ResourceType } from './resource-types.js';
import type { IncludeObject } from './tables.js';
import type { RequestContext, ResourceTarget } from './request-context.js';

export function resourceName(type: ResourceType): string {
  return type.group === '' ? type.plural : `${type.plural}.${type.group}`;
}

export function notFound(type: ResourceType, name: string): KubeApiError {
  return new KubeApiError(404, 'NotFound', `${resourceName(type)} "${name}" not found`);
}

export function send(context: RequestContext, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  context.response.writeHead(code, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(text),
  });
  context.response.end(text);
}

export function wantsTable(headers: IncomingHttpHeaders): boolean {
  return /as=Table/.test(headers.accept ?? '');
}

export function includeObjectOf(query: URLSearchParams): IncludeObject {
  const value = query.get('includeObject');
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

export function parseBody(context: RequestContext): unknown {
  if (context.body.trim() === '') throw new KubeApiError(400, 'BadRequest', 'the request body is empty');
  try {
    return /yaml/.test(context.headers['content-type'] ?? '') ? parseYaml(context.body) : JSON.parse(context.body);
  } catch (error) {
    throw new KubeApiError(
      400,
      'BadRequest',
      `the object provided is unrecognized: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function now(context: RequestContext): Date {
  return context.cluster.now?.() ?? new Date();
}

export function current(context: RequestContext, target: ResourceTarget): KubeObject {
  const object = context.cluster.get(apiVersionOf(target.type), target.type.kind, target.namespace, target.name ?? '');
  if (!object) throw notFound(target.type, target.name ?? '');
  return object;
}

export function scaleOf(type: ResourceType, object: KubeObject): Record<string, unknown> {
  if (!['Deployment', 'ReplicaSet', 'StatefulSet'].includes(type.kind))
    throw new KubeApiError(404, 'NotFound', 'the server could not find the requested resource');
  const spec = object.spec as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  const selector = Object.entries(spec.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
      creationTimestamp: object.metadata.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: Number((object.status as { replicas?: number } | undefined)?.replicas ?? 0), selector },
  };
}
