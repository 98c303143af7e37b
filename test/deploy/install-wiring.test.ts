/**
 * The rendered install is wired together: the gateway config it mounts passes `sre-bot gateway
 * --check` with the token files where the config reads them, each upstream URL is a Service of
 * the install that runs that MCP server with the same token, every Secret a pod reads exists in
 * the templates (and in the External Secrets of production) with the keys it reads, every role
 * has probes on a declared port, requests, a disruption budget and a scrapeable metrics port,
 * and nothing the config starts is missing from the image's `npm ci --omit=dev`.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, overlayNames, renderOverlay, secretTemplates, type RenderedObject } from './rendered-install.js';

const run = promisify(execFile);

interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  envFrom?: Array<{ secretRef?: { name: string; optional?: boolean } }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: { cpu?: string; memory?: string } };
  image?: string;
}
interface PodSpec {
  containers: Container[];
  volumes?: Array<{ name: string; secret?: { secretName: string }; configMap?: { name: string } }>;
}
interface Workload extends RenderedObject {
  spec: { replicas?: number; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
}
interface GatewayUpstream {
  kind: string;
  instance: string;
  url?: string;
  command?: string;
  auth?: { bearerTokenFile?: string; bearerTokenEnv?: string };
}

const renders = new Map<string, RenderedObject[]>();
let dir: string;

function objectsOf(overlay: string): RenderedObject[] {
  const objects = renders.get(overlay);
  if (!objects) throw new Error(`overlay ${overlay} did not render`);
  return objects;
}

function deployments(objects: RenderedObject[]): Workload[] {
  return objects.filter((object): object is Workload => object.kind === 'Deployment');
}

function podSpecs(objects: RenderedObject[]): Array<{ owner: string; spec: PodSpec }> {
  return objects
    .filter((object) => object.kind === 'Deployment' || object.kind === 'Job')
    .map((object) => ({
      owner: `${object.kind}/${object.metadata.name}`,
      spec: (object as Workload).spec.template.spec,
    }));
}

function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);
}

/** Secret name → keys, as the templates (or production's ExternalSecrets) provide them. */
async function templateSecrets(): Promise<Map<string, string[]>> {
  const objects = await secretTemplates();
  return new Map(
    objects.map((object) => [object.metadata.name, Object.keys((object as { stringData?: object }).stringData ?? {})]),
  );
}

function externalSecrets(objects: RenderedObject[]): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const object of objects.filter((candidate) => candidate.kind === 'ExternalSecret')) {
    const spec = object.spec as { target: { name: string }; data: Array<{ secretKey: string }> };
    result.set(
      spec.target.name,
      spec.data.map((item) => item.secretKey),
    );
  }
  return result;
}

/** Every (secret, key) a pod reads; key undefined = the whole Secret (envFrom, volume). */
function secretReads(
  objects: RenderedObject[],
): Array<{ owner: string; secret: string; key?: string; optional: boolean }> {
  return podSpecs(objects).flatMap(({ owner, spec }) => [
    ...spec.containers.flatMap((container) => [
      ...(container.envFrom ?? []).flatMap((source) =>
        source.secretRef
          ? [{ owner, secret: source.secretRef.name, optional: source.secretRef.optional === true }]
          : [],
      ),
      ...(container.env ?? []).flatMap((variable) => {
        const ref = variable.valueFrom?.secretKeyRef;
        return ref ? [{ owner, secret: ref.name, key: ref.key, optional: false }] : [];
      }),
    ]),
    ...(spec.volumes ?? []).flatMap((volume) =>
      volume.secret ? [{ owner, secret: volume.secret.secretName, optional: false }] : [],
    ),
  ]);
}

function gatewayConfigOf(objects: RenderedObject[]): {
  text: string;
  config: { upstreams: GatewayUpstream[] };
  configMap: string;
} {
  const configMap = objects.find(
    (object) => object.kind === 'ConfigMap' && object.metadata.name.startsWith('sre-bot-gateway'),
  );
  const text = (configMap as { data?: Record<string, string> } | undefined)?.data?.['gateway.yaml'];
  if (!configMap || !text) throw new Error('no gateway ConfigMap with gateway.yaml in the render');
  return { text, config: parse(text) as { upstreams: GatewayUpstream[] }, configMap: configMap.metadata.name };
}

function gatewayContainer(objects: RenderedObject[]): { container: Container; spec: PodSpec } {
  const gateway = deployments(objects).find((object) => object.metadata.name === 'sre-bot-gateway');
  const container = gateway?.spec.template.spec.containers[0];
  if (!gateway || !container) throw new Error('no gateway Deployment');
  return { container, spec: gateway.spec.template.spec };
}

/** Where the token file is mounted from: the Secret and key behind a path in the gateway container. */
function secretFileAt(objects: RenderedObject[], path: string): { secret: string; key: string } | undefined {
  const { container, spec } = gatewayContainer(objects);
  const mount = container.volumeMounts?.find((candidate) => dirname(path) === candidate.mountPath);
  const volume = spec.volumes?.find((candidate) => candidate.name === mount?.name);
  return volume?.secret ? { secret: volume.secret.secretName, key: basename(path) } : undefined;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sre-bot-wiring-'));
  for (const name of overlayNames()) renders.set(name, await renderOverlay(name));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.each(overlayNames())('%s overlay', (overlay) => {
  it('mounts the gateway ConfigMap where the gateway reads --config', () => {
    const objects = objectsOf(overlay);
    const { configMap } = gatewayConfigOf(objects);
    const { container, spec } = gatewayContainer(objects);
    const configPath = container.args?.[container.args.indexOf('--config') + 1] ?? '';
    const mount = container.volumeMounts?.find((candidate) => candidate.mountPath === dirname(configPath));
    expect(spec.volumes?.find((volume) => volume.name === mount?.name)?.configMap?.name).toBe(configMap);
    expect(basename(configPath)).toBe('gateway.yaml');
  });

  it(
    'points every upstream at a Service of the install ' + 'running that MCP server with the token the gateway sends',
    () => {
      const objects = objectsOf(overlay);
      const { config } = gatewayConfigOf(objects);
      expect(config.upstreams.length).toBeGreaterThan(0);
      for (const upstream of config.upstreams) {
        if (!upstream.url) continue;
        const url = new URL(upstream.url);
        const service = objects.find((object) => object.kind === 'Service' && object.metadata.name === url.hostname);
        expect(service, `${upstream.instance}: no Service ${url.hostname}`).toBeDefined();
        const serviceSpec = service?.spec as {
          selector: Record<string, string>;
          ports: Array<{ port: number; targetPort: string }>;
        };
        const servicePort = serviceSpec.ports.find((port) => port.port === Number(url.port));
        expect(servicePort, `${upstream.instance}: Service ${url.hostname} has no port ${url.port}`).toBeDefined();
        const backend = deployments(objects).find((deployment) =>
          selects(serviceSpec.selector, deployment.spec.template.metadata.labels),
        );
        const container = backend?.spec.template.spec.containers[0];
        expect(container?.args?.slice(0, 2)).toEqual(['mcp', upstream.kind]);
        expect(container?.ports?.some((port) => port.name === servicePort?.targetPort)).toBe(true);
        const serverToken = container?.env?.find((variable) => variable.name === 'MCP_AUTH_TOKEN')?.valueFrom
          ?.secretKeyRef;
        const file = upstream.auth?.bearerTokenFile;
        expect(file, `${upstream.instance}: the install passes tokens as mounted files`).toBeDefined();
        expect(secretFileAt(objects, file ?? '')).toEqual({ secret: serverToken?.name, key: serverToken?.key });
      }
    },
  );

  it('passes `sre-bot gateway --check` with the token files mounted as the Deployment mounts them', async () => {
    const objects = objectsOf(overlay);
    const { config, text } = gatewayConfigOf(objects);
    const secrets = await templateSecrets();
    let rewritten = text;
    const mountRoot = join(dir, overlay);
    for (const upstream of config.upstreams) {
      const file = upstream.auth?.bearerTokenFile;
      if (!file) continue;
      const source = secretFileAt(objects, file);
      expect(
        source && secrets.get(source.secret)?.includes(source.key),
        `${file} is no key of a templated Secret`,
      ).toBe(true);
      const local = join(mountRoot, file);
      await mkdir(dirname(local), { recursive: true });
      await writeFile(local, `token-of-${source?.key ?? ''}-for-the-check\n`);
      rewritten = rewritten.replaceAll(file, local);
    }
    const configFile = join(dir, `${overlay}-gateway.yaml`);
    await writeFile(configFile, rewritten);
    const { stdout } = await run(
      'node',
      [join(ROOT, 'bin', 'sre-bot.js'), 'gateway', '--config', configFile, '--check'],
      { cwd: ROOT, timeout: 60_000 },
    );
    expect(stdout).toMatch(/^gateway config OK: \d+ upstreams/);
  });

  it('reads only Secrets the templates define, with the keys it reads', async () => {
    const objects = objectsOf(overlay);
    const secrets = await templateSecrets();
    const synced = externalSecrets(objects);
    const reads = secretReads(objects);
    expect(reads.length).toBeGreaterThan(5);
    for (const read of reads) {
      const keys = secrets.get(read.secret);
      expect(keys, `${read.owner} reads Secret ${read.secret}, which no template defines`).toBeDefined();
      if (read.key) expect(keys, `${read.owner} reads ${read.secret}/${read.key}`).toContain(read.key);
      if (synced.size > 0 && !read.optional) {
        expect(synced.get(read.secret), `no ExternalSecret creates ${read.secret}`).toBeDefined();
        if (read.key) expect(synced.get(read.secret)).toContain(read.key);
      }
    }
  });

  it('gives every role probes on a declared port, resource requests and a pinned image', () => {
    for (const deployment of deployments(objectsOf(overlay))) {
      for (const container of deployment.spec.template.spec.containers) {
        const label = `${deployment.metadata.name}/${container.name}`;
        const ports = (container.ports ?? []).map((port) => port.name);
        for (const probe of [container.readinessProbe, container.livenessProbe]) {
          expect(probe?.httpGet, `${label} probe`).toBeDefined();
          expect(ports, `${label} probe port`).toContain(probe?.httpGet?.port);
        }
        expect(container.resources?.requests?.cpu, `${label} cpu request`).toBeDefined();
        expect(container.resources?.requests?.memory, `${label} memory request`).toBeDefined();
        expect(container.image, `${label} image`).toMatch(/^[a-z0-9.-]+\/[a-z0-9/-]+:\d+\.\d+\.\d+$/);
      }
    }
  });

  it('lets Prometheus reach the metrics port of every role that serves /metrics', () => {
    const objects = objectsOf(overlay);
    const policies = objects.filter((object) => object.kind === 'NetworkPolicy');
    const scraped = deployments(objects);
    expect(scraped).toHaveLength(7);
    for (const deployment of scraped) {
      const container = deployment.spec.template.spec.containers[0];
      // slack, worker and alerts serve /metrics on their own port; the gateway and MCP servers beside /mcp.
      const ownPort = ['sre-bot-slack', 'sre-bot-worker', 'sre-bot-alerts'].includes(deployment.metadata.name);
      const portName = ownPort ? 'metrics' : 'http';
      const port = container?.ports?.find((candidate) => candidate.name === portName)?.containerPort;
      const labels = deployment.spec.template.metadata.labels;
      const allowed = policies.some((policy) => {
        const spec = policy.spec as {
          podSelector: { matchLabels?: Record<string, string> };
          ingress?: Array<{
            from?: Array<{ podSelector?: { matchLabels?: Record<string, string> } }>;
            ports?: Array<{ port: number }>;
          }>;
        };
        if (!spec.podSelector.matchLabels || !selects(spec.podSelector.matchLabels, labels)) return false;
        return (spec.ingress ?? []).some(
          (rule) =>
            rule.ports?.some((candidate) => candidate.port === port) &&
            rule.from?.some((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'prometheus'),
        );
      });
      expect(allowed, `${deployment.metadata.name}: no NetworkPolicy lets Prometheus reach port ${port}`).toBe(true);
    }
  });

  it('runs migrations as an Argo CD PreSync hook that replaces the previous Job', () => {
    const job = objectsOf(overlay).find((object) => object.kind === 'Job');
    expect(job?.metadata.annotations).toMatchObject({
      'argocd.argoproj.io/hook': 'PreSync',
      'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
    });
    expect((job as unknown as Workload).spec.template.spec.containers[0]?.args).toEqual(['db', 'migrate']);
  });

  it('covers each multi-replica role with a disruption budget', () => {
    const objects = objectsOf(overlay);
    const budgets = objects.filter((object) => object.kind === 'PodDisruptionBudget');
    for (const deployment of deployments(objects)) {
      const covered = budgets.some((budget) =>
        selects(
          (budget.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
          deployment.spec.template.metadata.labels,
        ),
      );
      expect(covered, `${deployment.metadata.name} (${deployment.spec.replicas ?? 1} replicas)`).toBe(
        (deployment.spec.replicas ?? 1) > 1,
      );
    }
  });
});

describe('the image', () => {
  /** Commands the image can run: its own CLI and node, plus bins of runtime dependencies. */
  async function runtimeCommands(): Promise<Set<string>> {
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const commands = new Set(['sre-bot', 'node']);
    for (const name of Object.keys(manifest.dependencies)) {
      const dependency = JSON.parse(await readFile(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
        bin?: string | Record<string, string>;
      };
      if (typeof dependency.bin === 'string') commands.add(basename(name));
      else for (const bin of Object.keys(dependency.bin ?? {})) commands.add(bin);
    }
    return commands;
  }

  function missingCommands(config: { upstreams: GatewayUpstream[] }, commands: Set<string>): string[] {
    return config.upstreams.flatMap((upstream) =>
      upstream.command && !commands.has(upstream.command) ? [`${upstream.instance}: ${upstream.command}`] : [],
    );
  }

  it('has every command an installed gateway config starts (npm ci --omit=dev)', async () => {
    const commands = await runtimeCommands();
    const compose = parse(await readFile(join(ROOT, 'deploy', 'gateway.compose.yaml'), 'utf8')) as {
      upstreams: GatewayUpstream[];
    };
    const configs = [...[...renders.values()].map((objects) => gatewayConfigOf(objects).config), compose];
    expect(configs.flatMap((config) => missingCommands(config, commands))).toEqual([]);
  });

  it('is built from a base pinned by digest, with production dependencies only in the runtime stage', async () => {
    const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\d+-bookworm-slim@sha256:[0-9a-f]{64}$/m);
    const stages = dockerfile.split(/^FROM /m).slice(1);
    expect(stages.map((stage) => stage.split('\n')[0])).toEqual(['${NODE_IMAGE} AS build', '${NODE_IMAGE} AS runtime']);
    expect(stages[1]).toMatch(/npm ci --omit=dev/);
    expect(stages[1]).toMatch(/^USER node$/m);
  });

  it('is published for two architectures with an SBOM by the image workflow', async () => {
    const workflow = parse(await readFile(join(ROOT, '.github', 'workflows', 'image.yml'), 'utf8')) as {
      jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, unknown> }> }>;
    };
    const build = Object.values(workflow.jobs)
      .flatMap((job) => job.steps)
      .find((step) => step.uses?.startsWith('docker/build-push-action'));
    expect(build?.with).toMatchObject({ platforms: 'linux/amd64,linux/arm64', sbom: true });
    // The pinned base digest cannot be checked offline: the workflow resolves it before building.
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps) as Array<{ uses?: string; run?: string }>;
    const verify = steps.findIndex((step) => /imagetools inspect "\$image"/.test(step.run ?? ''));
    expect(verify).toBeGreaterThanOrEqual(0);
    expect(verify).toBeLessThan(steps.indexOf(build ?? {}));
    expect(steps[verify]?.run).toContain('ARG NODE_IMAGE=');
  });

  it('refuses the `npx argocd-mcp` upstream of the reference config: argocd-mcp is a devDependency', async () => {
    const reference = parse(await readFile(join(ROOT, 'deploy', 'gateway.yaml'), 'utf8')) as {
      upstreams: GatewayUpstream[];
    };
    expect(missingCommands(reference, await runtimeCommands())).toEqual(['argocd-mcp: npx']);
  });
});
