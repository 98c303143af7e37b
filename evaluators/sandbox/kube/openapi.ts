/**
 * A minimal OpenAPI v3 surface: the `/openapi/v3` index and one document per group/version
 * whose PATCH operations carry `x-kubernetes-group-version-kind` and the `fieldValidation`,
 * `dryRun` and `fieldManager` query parameters. That is what kubectl's apply checks to decide
 * that the server validates fields itself; schemas are left out, so kubectl computes patches
 * from its own built-in types (and JSON merge patches for custom resources).
 */
import { KUBE_VERSION } from './default-objects.js';
import { RESOURCE_TYPES } from './resource-types.js';
import { stableHex } from './stable-id.js';

function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** `/openapi/v3`: the index of group/version documents. */
export function openApiIndex(): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const type of RESOURCE_TYPES) {
    const path = groupVersionPath(type.group, type.version);
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${stableHex(path, 32).toUpperCase()}` };
  }
  return { paths };
}

const QUERY_PARAMETERS = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'].map((name) => ({
  name,
  in: 'query',
  description: `${name} of the request`,
  schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
}));

/** `/openapi/v3/{api/v1 | apis/g/v}`; undefined when the group/version is not served. */
export function openApiDocument(path: string): Record<string, unknown> | undefined {
  const types = RESOURCE_TYPES.filter((type) => groupVersionPath(type.group, type.version) === path);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const type of types) {
    const base = `/${path}${type.namespaced ? '/namespaces/{namespace}' : ''}/${type.plural}`;
    const gvk = { group: type.group, version: type.version, kind: type.kind };
    const operation = (verb: string) => ({
      operationId: `${verb}${type.kind}`,
      'x-kubernetes-action': verb,
      'x-kubernetes-group-version-kind': gvk,
      parameters: QUERY_PARAMETERS,
      responses: { '200': { description: 'OK' } },
    });
    paths[base] = { get: operation('list'), post: operation('post') };
    paths[`${base}/{name}`] = {
      get: operation('get'),
      put: operation('put'),
      patch: operation('patch'),
      delete: operation('delete'),
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBE_VERSION.gitVersion },
    paths,
    components: { schemas: {} },
  };
}
