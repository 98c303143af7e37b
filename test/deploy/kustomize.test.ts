/**
 * Every overlay of the Kubernetes install renders with the real `kubectl kustomize` (default load
 * restrictor: a file outside the kustomization directory tree fails the build, as it does in
 * Argo CD), every object passes its Kubernetes or CRD schema, and `kubectl apply
 * --dry-run=server` of the whole render against the sandbox API server reports no error. The
 * Secret templates and the Argo CD Application that installs the bot go through the same steps.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../evaluators/sandbox/kube/api-server.js';
import { renderKubeconfig } from '../../evaluators/sandbox/kube/kubeconfig.js';
import { createSimulatedCluster } from '../../evaluators/sandbox/kube/simulated-cluster.js';
import { createTlsMaterial } from '../../evaluators/sandbox/kube/tls.js';
import {
  KUBE_DIR,
  overlayNames,
  parseObjects,
  renderKustomization,
  validateObject,
  type RenderedObject,
} from './rendered-install.js';

const run = promisify(execFile);

let dir: string;
let server: KubeApiServer;
let kubeconfig: string;
const rendered = new Map<string, { text: string; objects: RenderedObject[] }>();

/** Namespaces an operator creates before installing (the small overlay goes into an existing one). */
function namespacesOf(objects: RenderedObject[]): string[] {
  return [
    ...new Set(objects.map((object) => object.metadata.namespace).filter((name): name is string => Boolean(name))),
  ];
}

async function dryRunApply(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      'kubectl',
      ['--kubeconfig', kubeconfig, 'apply', '--dry-run=server', '-f', file],
      { timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? 1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

/** Every object of the file named in kubectl's "created/configured (server dry run)" lines. */
function expectEveryObjectAccepted(
  result: { code: number; stdout: string; stderr: string },
  objects: RenderedObject[],
): void {
  expect(result.stderr.split('\n').filter((line) => /error/i.test(line))).toEqual([]);
  expect(result.code).toBe(0);
  const accepted = result.stdout
    .split('\n')
    .filter((line) => / (created|configured|unchanged) \(server dry run\)$/.test(line));
  expect(accepted).toHaveLength(objects.length);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sre-bot-deploy-'));
  for (const name of overlayNames()) {
    const text = await renderKustomization(join(KUBE_DIR, 'overlays', name));
    rendered.set(name, { text, objects: parseObjects(text) });
  }
  const tls = await createTlsMaterial(join(dir, 'tls'));
  const cluster = createSimulatedCluster({ name: 'install-target', images: [] });
  const namespaces = new Set(['argocd', ...[...rendered.values()].flatMap(({ objects }) => namespacesOf(objects))]);
  cluster.load([...namespaces].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })));
  server = await startKubeApiServer({ cluster, token: 'deploy-test-token', tls });
  kubeconfig = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    renderKubeconfig([{ name: 'install-target', url: server.url, token: 'deploy-test-token', caPem: tls.caPem }]),
  );
});

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('kubectl kustomize', () => {
  it('finds the production and the single-namespace small overlay', () => {
    expect(overlayNames()).toEqual(expect.arrayContaining(['production', 'small']));
  });

  it('refuses a kustomization that loads a file from outside its tree (the old production overlay did)', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'sre-bot-kustomize-'));
    await mkdir(join(outside, 'overlays', 'production'), { recursive: true });
    await writeFile(join(outside, 'gateway.yaml'), 'listen: {}\n');
    const overlay = join(outside, 'overlays', 'production');
    await writeFile(
      join(overlay, 'kustomization.yaml'),
      'configMapGenerator:\n  - name: x\n    files: [gateway.yaml=../../gateway.yaml]\n',
    );
    await expect(renderKustomization(overlay)).rejects.toThrow(/is not in or below/);
    await rm(outside, { recursive: true, force: true });
  });

  it.each(overlayNames())('%s: every rendered object passes its Kubernetes or CRD schema', async (name) => {
    const objects = rendered.get(name)?.objects ?? [];
    expect(objects.length).toBeGreaterThan(20);
    const problems = (await Promise.all(objects.map((object) => validateObject(object)))).flat();
    expect(problems).toEqual([]);
  });

  it('schema validation catches a wrong field type (a string container port)', async () => {
    const deployment = rendered.get('production')?.objects.find((object) => object.kind === 'Deployment');
    const broken = structuredClone(deployment) as RenderedObject & {
      spec: { template: { spec: { containers: Array<{ ports: Array<{ containerPort: unknown }> }> } } };
    };
    const port = broken.spec.template.spec.containers[0]?.ports[0];
    if (port) port.containerPort = 'http';
    expect(await validateObject(broken)).toEqual([expect.stringMatching(/containerPort must be integer/)]);
  });
});

describe('kubectl apply --dry-run=server against the sandbox API', () => {
  it.each(overlayNames())('%s: every object is accepted', async (name) => {
    const install = rendered.get(name);
    if (!install) throw new Error(`overlay ${name} did not render`);
    const file = join(dir, `${name}.yaml`);
    await writeFile(file, install.text);
    expectEveryObjectAccepted(await dryRunApply(file), install.objects);
  });

  it('the Secret templates validate and apply into the install namespace', async () => {
    const text = await readFile(join(KUBE_DIR, 'secrets', 'secrets.example.yaml'), 'utf8');
    const objects = parseObjects(text).map((object) => ({
      ...object,
      metadata: { ...object.metadata, namespace: 'sre-bot' },
    }));
    expect(objects.map((object) => object.metadata.name).sort()).toEqual([
      'sre-bot-alerts',
      'sre-bot-argocd',
      'sre-bot-env',
      'sre-bot-gateway-metrics-token',
      'sre-bot-gateway-token',
      'sre-bot-mcp-tokens',
      'sre-bot-model',
      'sre-bot-slack',
    ]);
    expect((await Promise.all(objects.map((object) => validateObject(object)))).flat()).toEqual([]);
    const file = join(dir, 'secrets.yaml');
    await writeFile(file, objects.map((object) => stringify(object)).join('---\n'));
    expectEveryObjectAccepted(await dryRunApply(file), objects);
  });

  it('the Argo CD Application for the bot validates, applies and points at the production overlay', async () => {
    const file = join(KUBE_DIR, 'argocd', 'application.yaml');
    const objects = parseObjects(await readFile(file, 'utf8'));
    expect((await Promise.all(objects.map((object) => validateObject(object)))).flat()).toEqual([]);
    expect(objects[0]?.spec).toMatchObject({
      source: { path: 'deploy/kubernetes/overlays/production' },
      destination: { namespace: 'sre-bot' },
    });
    expectEveryObjectAccepted(await dryRunApply(file), objects);
  });
});
