/**
 * The parsed request and resource target shared by the REST handlers and watch, plus
 * selector filtering of list results.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject, SimulatedCluster } from './cluster-api.js';
import { apiVersionOf, type ResourceType } from './resource-types.js';
import { matchesFields, matchesRequirements, parseFieldSelector, parseLabelSelector } from './selectors.js';

/** One parsed request. */
export interface RequestContext {
  cluster: SimulatedCluster;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  request: IncomingMessage;
  response: ServerResponse;
}

/** The resource a URL addresses. */
export interface ResourceTarget {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** Objects of the target, filtered by the label and field selectors of the query. */
export function selectObjects(cluster: SimulatedCluster, target: ResourceTarget, query: URLSearchParams): KubeObject[] {
  const labels = query.get('labelSelector');
  const fields = query.get('fieldSelector');
  const requirements = labels ? parseLabelSelector(labels) : [];
  const fieldRequirements = fields ? parseFieldSelector(fields) : [];
  const objects = cluster.list(
    apiVersionOf(target.type),
    target.type.kind,
    target.type.namespaced ? target.namespace : undefined,
  );
  if (requirements.length === 0 && fieldRequirements.length === 0) return objects;
  return objects.filter(
    (o) => matchesRequirements(o.metadata.labels, requirements) && matchesFields(o, fieldRequirements),
  );
}
