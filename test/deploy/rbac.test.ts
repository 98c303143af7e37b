/**
 * Least privilege: the ClusterRole of each Kubernetes-backed MCP server grants exactly the verbs
 * its read tools send through the kube client (read from the tool sources, so a new call shows up
 * here), on every kind those sources name, and nothing on Secrets: in Kubernetes `get` or `list`
 * on secrets returns their values. Write tools are off in the install (no --enable-writes), so
 * their verbs (patch) are not granted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findWellKnownType } from '../../mcp-servers/common/kube-types.js';
import { KUBE_DIR, ROOT, parseObjects, renderKustomization, type RenderedObject } from './rendered-install.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** The RBAC verb each kube client method needs (mcp-servers/common/kube-client.ts). */
const VERB_OF_METHOD: Record<string, string> = {
  list: 'list',
  get: 'get',
  podLogs: 'get',
  create: 'create',
  replace: 'update',
  patch: 'patch',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Kube client calls and kinds of a server's sources, split by whether the file is a write tool. */
function kubeUsage(server: string): { readMethods: Set<string>; writeMethods: Set<string>; kinds: Set<string> } {
  const readMethods = new Set<string>();
  const writeMethods = new Set<string>();
  const kinds = new Set<string>();
  for (const file of sourceFiles(join(ROOT, 'mcp-servers', server))) {
    const text = readFileSync(file, 'utf8');
    const methods = /isWrite: true/.test(text) ? writeMethods : readMethods;
    for (const match of text.matchAll(/\bkube\.(\w+)\(/g))
      if (match[1] && match[1] !== 'resolveType' && match[1] !== 'version') methods.add(match[1]);
    for (const match of text.matchAll(/\b(?:type|findWellKnownType)\('(\w+)'\)/g)) if (match[1]) kinds.add(match[1]);
  }
  return { readMethods, writeMethods, kinds };
}

function rulesOf(objects: RenderedObject[], name: string): Rule[] {
  const role = objects.find((object) => object.kind === 'ClusterRole' && object.metadata.name === name);
  if (!role) throw new Error(`no ClusterRole ${name}`);
  return (role as unknown as { rules: Rule[] }).rules;
}

function grants(rules: Rule[], group: string, resource: string, verb: string): boolean {
  return rules.some(
    (rule) => rule.apiGroups.includes(group) && rule.resources.includes(resource) && rule.verbs.includes(verb),
  );
}

let objects: RenderedObject[];

beforeAll(async () => {
  objects = parseObjects(await renderKustomization(join(KUBE_DIR, 'overlays', 'production')));
});

describe.each(['kubernetes', 'kyverno'])('the %s MCP server', (server) => {
  it('runs under its own ServiceAccount bound to its own ClusterRole, without write tools', () => {
    const deployment = objects.find(
      (object) => object.kind === 'Deployment' && object.metadata.name === `sre-bot-mcp-${server}`,
    ) as unknown as {
      spec: { template: { spec: { serviceAccountName: string; containers: Array<{ args: string[] }> } } };
    };
    expect(deployment.spec.template.spec.serviceAccountName).toBe(`sre-bot-mcp-${server}`);
    expect(deployment.spec.template.spec.containers[0]?.args).not.toContain('--enable-writes');
    const binding = objects.find(
      (object) => object.kind === 'ClusterRoleBinding' && object.metadata.name === `sre-bot-mcp-${server}`,
    ) as unknown as {
      roleRef: { name: string };
      subjects: Array<{ kind: string; name: string; namespace: string }>;
    };
    expect(binding.roleRef.name).toBe(`sre-bot-mcp-${server}`);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: `sre-bot-mcp-${server}`, namespace: 'sre-bot' }]);
  });

  it('is granted exactly the verbs its read tools send, and none of its write tools', () => {
    const usage = kubeUsage(server);
    const wanted = new Set(
      [...usage.readMethods].map((method) => VERB_OF_METHOD[method] ?? `unknown method ${method}`),
    );
    const granted = new Set(rulesOf(objects, `sre-bot-mcp-${server}`).flatMap((rule) => rule.verbs));
    expect([...granted].sort()).toEqual([...wanted].sort());
    for (const method of usage.writeMethods)
      if (!usage.readMethods.has(method)) expect(granted).not.toContain(VERB_OF_METHOD[method]);
  });

  it('may get and list every kind its sources name (Secrets excepted)', () => {
    const rules = rulesOf(objects, `sre-bot-mcp-${server}`);
    const { kinds } = kubeUsage(server);
    expect(kinds.size).toBeGreaterThan(2);
    for (const kind of kinds) {
      const type = findWellKnownType(kind);
      expect(type, `${kind} is a well-known kind`).toBeDefined();
      if (!type || type.kind === 'Secret') continue;
      for (const verb of ['get', 'list'])
        expect(grants(rules, type.group, type.plural, verb), `${verb} ${type.plural}.${type.group}`).toBe(true);
    }
  });

  it('can read no Secret and holds no wildcard', () => {
    for (const rule of rulesOf(objects, `sre-bot-mcp-${server}`)) {
      expect(rule.resources).not.toContain('secrets');
      for (const field of [rule.apiGroups, rule.resources, rule.verbs]) expect(field).not.toContain('*');
    }
  });
});

describe('check_manifest (kyverno)', () => {
  it('may dry-run create and update the workload kinds teams ship', () => {
    const rules = rulesOf(objects, 'sre-bot-mcp-kyverno');
    for (const [group, resource] of [
      ['apps', 'deployments'],
      ['', 'services'],
      ['', 'configmaps'],
      ['batch', 'cronjobs'],
      ['networking.k8s.io', 'ingresses'],
    ] as const) {
      for (const verb of ['create', 'update', 'get'])
        expect(grants(rules, group, resource, verb), `${verb} ${resource}`).toBe(true);
    }
  });

  it('sends every create and update with dryRun, so the grants never change the cluster', () => {
    const source = readFileSync(join(ROOT, 'mcp-servers', 'kyverno', 'tools', 'check-manifest.ts'), 'utf8');
    const writes = [...source.matchAll(/kube\.(create|replace)\(([^;]*)\);/g)];
    expect(writes.length).toBe(2);
    for (const write of writes) expect(write[2]).toMatch(/\{ dryRun: true \},?\s*\)?$/);
  });
});

describe('the roles without Kubernetes access', () => {
  it('mount no ServiceAccount token', () => {
    const others = objects.filter(
      (object) =>
        (object.kind === 'Deployment' || object.kind === 'Job') &&
        !/sre-bot-mcp-(kubernetes|kyverno)$/.test(object.metadata.name),
    );
    expect(others.length).toBeGreaterThan(3);
    for (const object of others) {
      const spec = (object as unknown as { spec: { template: { spec: { automountServiceAccountToken?: boolean } } } })
        .spec.template.spec;
      expect(spec.automountServiceAccountToken, object.metadata.name).toBe(false);
    }
  });
});
