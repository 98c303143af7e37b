/**
 * Discovery documents (`/version`, `/api`, `/apis`, `/api/v1`, `/apis/{group}/{version}`)
 * generated from the served resource types, in the legacy (non-aggregated) format that
 * kubectl and client libraries fall back to.
 */
import { KUBE_VERSION } from './default-objects.js';
import { RESOURCE_TYPES, RESOURCE_VERBS, type ResourceType } from './resource-types.js';

/** `/version` for the simulated clusters. */
export function versionInfo(): Record<string, string> {
  return {
    major: KUBE_VERSION.major,
    minor: KUBE_VERSION.minor,
    gitVersion: KUBE_VERSION.gitVersion,
    gitCommit: '301be00b4ea2c4a40b2a9c2f63df4e58fd3cb6b0',
    gitTreeState: 'clean',
    buildDate: '2025-02-12T21:19:07Z',
    goVersion: 'go1.23.6',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** `/api`: the core group's versions. */
export function coreApiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** Named groups with their (single) served version, in discovery order. */
function groups(): Array<{ name: string; version: string }> {
  const seen = new Map<string, string>();
  for (const type of RESOURCE_TYPES) if (type.group !== '' && !seen.has(type.group)) seen.set(type.group, type.version);
  return [...seen.entries()].map(([name, version]) => ({ name, version }));
}

/** `/apis`: every named group. */
export function apiGroupList(): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups().map(({ name, version }) => {
      const groupVersion = { groupVersion: `${name}/${version}`, version };
      return { name, versions: [groupVersion], preferredVersion: groupVersion };
    }),
  };
}

/** `/apis/{group}`: one group. */
export function apiGroup(group: string): Record<string, unknown> | undefined {
  const found = groups().find((g) => g.name === group);
  if (!found) return undefined;
  const groupVersion = { groupVersion: `${found.name}/${found.version}`, version: found.version };
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: found.name,
    versions: [groupVersion],
    preferredVersion: groupVersion,
  };
}

function resourceEntry(type: ResourceType): Record<string, unknown> {
  return {
    name: type.plural,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: [...RESOURCE_VERBS],
    ...(type.shortNames ? { shortNames: type.shortNames } : {}),
    ...(type.categories ? { categories: type.categories } : {}),
    storageVersionHash: Buffer.from(`${type.group}/${type.kind}`).toString('base64').slice(0, 11),
  };
}

function subresourceEntry(type: ResourceType, subresource: string): Record<string, unknown> {
  const verbs =
    subresource === 'log'
      ? ['get']
      : subresource === 'scale' || subresource === 'status'
        ? ['get', 'patch', 'update']
        : ['get'];
  const kind = subresource === 'scale' ? 'Scale' : type.kind;
  return {
    name: `${type.plural}/${subresource}`,
    singularName: '',
    namespaced: type.namespaced,
    ...(subresource === 'scale' ? { group: 'autoscaling', version: 'v1' } : {}),
    kind,
    verbs,
  };
}

/** `/api/v1` or `/apis/{group}/{version}`; undefined when not served. */
export function apiResourceList(group: string, version: string): Record<string, unknown> | undefined {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const resources: Array<Record<string, unknown>> = [];
  for (const type of types) {
    resources.push(resourceEntry(type));
    for (const subresource of type.subresources ?? []) resources.push(subresourceEntry(type, subresource));
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources,
  };
}
