/**
 * The real kubectl binary against the simulated API server over HTTPS with a generated
 * kubeconfig: what an SRE would run while investigating, asserted on the symptoms.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from './api-server.js';
import { renderKubeconfig } from './kubeconfig.js';
import { createSimulatedCluster } from './simulated-cluster.js';
import { FIXTURE_IMAGES, FIXTURE_NOW, fixtureObjects } from './test-fixtures.js';
import { createTlsMaterial } from './tls.js';

let dir: string;
let server: KubeApiServer;
let kubeconfig: string;

/** Runs kubectl with stdin closed (with an open stdin pipe `rollout status` never exits). */
function runKubectl(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function kubectl(...args: string[]): Promise<string> {
  const result = await runKubectl(['--kubeconfig', kubeconfig, ...args]);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

async function kubectlFailure(...args: string[]): Promise<string> {
  const result = await runKubectl(['--kubeconfig', kubeconfig, ...args]);
  if (result.code === 0) throw new Error(`kubectl ${args.join(' ')} succeeded unexpectedly`);
  return result.stderr;
}

function podNamed(table: string, prefix: string): string {
  const line = table.split('\n').find((l) => l.split(/\s+/).some((cell) => cell.startsWith(`${prefix}-`)));
  const name = line?.split(/\s+/).find((cell) => cell.startsWith(`${prefix}-`));
  if (!name) throw new Error(`no pod ${prefix} in\n${table}`);
  return name;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kube-sandbox-'));
  const tls = await createTlsMaterial(join(dir, 'tls'));
  const cluster = createSimulatedCluster({
    name: 'prod-eu-1',
    images: FIXTURE_IMAGES,
    now: () => new Date(FIXTURE_NOW),
  });
  cluster.load(fixtureObjects());
  server = await startKubeApiServer({ cluster, token: 'test-token', tls });
  kubeconfig = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    renderKubeconfig([{ name: 'prod-eu-1', url: server.url, token: 'test-token', caPem: tls.caPem }]),
  );
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('kubectl against the simulated cluster', () => {
  it('lists pods in every namespace with the symptoms a real cluster shows', async () => {
    const out = await kubectl('get', 'pods', '-A');
    expect(out).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    expect(out).toMatch(/kube-system\s+coredns-\S+\s+1\/1\s+Running/);
    expect(out).toMatch(/shop\s+checkout-\S+\s+0\/1\s+CrashLoopBackOff\s+\d+ \(\S+ ago\)/);
    expect(out).toMatch(/shop\s+worker-\S+\s+0\/1\s+(CrashLoopBackOff|OOMKilled)/);
    expect(out).toMatch(/shop\s+imagetypo-\S+\s+0\/1\s+(ImagePullBackOff|ErrImagePull)/);
    expect(out).toMatch(/shop\s+cfg-\S+\s+0\/1\s+CreateContainerConfigError/);
    expect(out).toMatch(/shop\s+gpu-\S+\s+0\/1\s+Pending/);
    expect(out).toMatch(/shop\s+search-\S+\s+0\/1\s+Running/);
    expect(out).toMatch(/shop\s+web-\S+\s+1\/1\s+Running\s+0/);
  });

  it('gets deployments, services and events of a namespace', async () => {
    const out = await kubectl('get', 'deploy,svc,events', '-n', 'shop');
    expect(out).toMatch(/deployment\.apps\/checkout\s+0\/2\s+2\s+0/);
    expect(out).toMatch(/deployment\.apps\/web\s+2\/2\s+2\s+2/);
    expect(out).toMatch(/service\/checkout\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+8080\/TCP/);
    expect(out).toMatch(/Warning\s+BackOff\s+pod\/checkout-\S+\s+Back-off restarting failed container checkout/);
    expect(out).toMatch(
      /Warning\s+FailedScheduling\s+pod\/gpu-\S+\s+0\/3 nodes are available: 3 node\(s\) didn't match Pod's node affinity\/selector\. preemption: 0\/3 nodes are available: 3 Preemption is not helpful for scheduling\./,
    );
    expect(out).toMatch(/Warning\s+Failed\s+pod\/cfg-\S+\s+Error: configmap "cfg-settings" not found/);
    expect(out).toMatch(
      /Warning\s+Unhealthy\s+pod\/search-\S+\s+Readiness probe failed: Get "http:\/\/10\.\S+:9300\/ready": dial tcp \S+:9300: connect: connection refused/,
    );
    const endpoints = await kubectl('get', 'endpoints', 'checkout', '-n', 'shop');
    expect(endpoints).toMatch(/checkout\s+<none>/);
  });

  it('describes a pod with its state, last state and events (as kubectl describe fetches them)', async () => {
    const pod = podNamed(await kubectl('get', 'pods', '-n', 'shop'), 'worker');
    const out = await kubectl('describe', 'pod', pod, '-n', 'shop');
    expect(out).toContain('Controlled By:  ReplicaSet/worker-');
    expect(out).toMatch(/Last State:\s+Terminated\s+Reason:\s+OOMKilled\s+Exit Code:\s+137/);
    expect(out).toMatch(/Restart Count:\s+[1-9]\d*/);
    expect(out).toMatch(/Limits:\s+memory:\s+512Mi/);
    expect(out).toMatch(/Warning\s+BackOff\s+.*kubelet\s+Back-off restarting failed container worker/);
  });

  it('prints current and previous logs of a crash-looping container', async () => {
    const pod = podNamed(await kubectl('get', 'pods', '-n', 'shop'), 'checkout');
    const current = await kubectl('logs', pod, '-n', 'shop');
    expect(current).toContain('checkout 1.4.0 starting');
    expect(current).toContain('FATAL: required environment variable DATABASE_URL is not set');
    const previous = await kubectl('logs', pod, '-n', 'shop', '--previous');
    expect(previous).toContain('FATAL: required environment variable DATABASE_URL is not set');
    const web = podNamed(await kubectl('get', 'pods', '-n', 'shop'), 'web');
    const callerLogs = await kubectl('logs', web, '-n', 'shop', '--tail=2');
    expect(callerLogs).toMatch(/dial tcp 10\.\S+:8080: connect: connection refused/);
    expect(callerLogs).toMatch(/lookup payments\.billing on 10\.96\.0\.10:53: no such host/);
    expect(callerLogs.trim().split('\n')).toHaveLength(2);
    const waiting = await kubectlFailure(
      'logs',
      podNamed(await kubectl('get', 'pods', '-n', 'shop'), 'imagetypo'),
      '-n',
      'shop',
    );
    expect(waiting).toMatch(/is waiting to start: trying and failing to pull image/);
  });

  // Regression: kubectl describe service panicked (nil pointer in formatEndpointSlices)
  // because the sandbox's EndpointSlice ports had no `name` for unnamed Service ports.
  it('describes services with no, unready and several endpoints from their EndpointSlices', async () => {
    const file = join(dir, 'services.yaml');
    await writeFile(
      file,
      [
        'apiVersion: v1',
        'kind: Service',
        'metadata: {name: orphan, namespace: shop}',
        'spec: {selector: {app.kubernetes.io/name: orphan}, ports: [{port: 80, targetPort: 8080}]}',
        '---',
        'apiVersion: v1',
        'kind: Service',
        'metadata: {name: external-db, namespace: shop}',
        'spec: {ports: [{port: 5432}]}',
        '---',
        'apiVersion: v1',
        'kind: Service',
        'metadata: {name: web-admin, namespace: shop}',
        'spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: 8080}, {name: metrics, port: ' +
          '9090, targetPort: 9090}]}',
        '',
      ].join('\n'),
    );
    await kubectl('apply', '-f', file);
    const pods = await kubectl(
      'get',
      'pods',
      '-n',
      'shop',
      '-l',
      'app=web',
      '-o',
      'jsonpath={range .items[*]}{.status.podIP}{"\\n"}{end}',
    );
    const webIps = pods.trim().split('\n').sort();
    expect(webIps).toHaveLength(2);

    // A selector that matches nothing: one placeholder slice, which kubectl prints as an empty list.
    const orphan = await kubectl('describe', 'service', 'orphan', '-n', 'shop');
    expect(orphan).toMatch(/^Selector:\s+app\.kubernetes\.io\/name=orphan$/m);
    expect(orphan).toMatch(/^Port:\s+<unset>\s+80\/TCP$/m);
    expect(orphan).toMatch(/^Endpoints:\s*$/m);
    // No selector: no slices at all, the case kubectl prints as <none>.
    expect(await kubectl('describe', 'service', 'external-db', '-n', 'shop')).toMatch(/^Endpoints:\s+<none>$/m);
    // Crash-looping backends are listed in the slice as not ready, and describe skips them.
    const checkout = await kubectl('describe', 'service', 'checkout', '-n', 'shop');
    expect(checkout).toMatch(/^Selector:\s+app=checkout$/m);
    expect(checkout).toMatch(/^Endpoints:\s*$/m);

    const web = await kubectl('describe', 'service', 'web', '-n', 'shop');
    expect(web).toMatch(/^Selector:\s+app=web$/m);
    const endpointsLine = /^Endpoints:\s+(\S+)$/m.exec(web)?.[1] ?? '';
    expect(endpointsLine.split(',').sort()).toEqual(webIps.map((ip) => `${ip}:8080`));
    const admin = await kubectl('describe', 'service', 'web-admin', '-n', 'shop');
    expect(admin).toMatch(/^Port:\s+http\s+80\/TCP$/m);
    expect(admin).toMatch(/^Port:\s+metrics\s+9090\/TCP$/m);
    const perPort = [...admin.matchAll(/^Endpoints:\s+(\S+)$/gm)].map((m) => (m[1] ?? '').split(',').sort());
    expect(perPort).toEqual([webIps.map((ip) => `${ip}:8080`), webIps.map((ip) => `${ip}:9090`)]);

    const slices = await kubectl(
      'get',
      'endpointslices',
      '-n',
      'shop',
      '-l',
      'kubernetes.io/service-name in (orphan,web)',
    );
    expect(slices).toMatch(/^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE$/m);
    expect(slices).toMatch(/^orphan-\S+\s+IPv4\s+<unset>\s+<unset>\s+/m);
    expect(slices).toMatch(/^web-\S+\s+IPv4\s+8080\s+10\.\S+,10\.\S+\s+/m);
    const described = await kubectl(
      'describe',
      'endpointslices',
      '-n',
      'shop',
      '-l',
      'kubernetes.io/service-name in (checkout,web)',
    );
    expect(described).toMatch(
      /Labels:\s+endpointslice\.kubernetes\.io\/managed-by=endpointslice-controller\.k8s\.io\s+kubernetes\.io\/service-name=web/,
    );
    expect(described).toMatch(/Ports:\s+Name\s+Port\s+Protocol\s+-+\s+-+\s+-+\s+<unset>\s+8080\s+TCP/);
    expect(described).toMatch(
      /Conditions:\s+Ready:\s+true\s+Hostname:\s+<unset>\s+TargetRef:\s+Pod\/web-\S+\s+NodeName:\s+\S+\s+Zone:\s+\S+/,
    );
    expect(described).toMatch(/Conditions:\s+Ready:\s+false\s+Hostname:\s+<unset>\s+TargetRef:\s+Pod\/checkout-\S+/);
  });

  it('records who changed an object with kubectl in managedFields, hidden from -o yaml by default', async () => {
    const editor = join(dir, 'editor.sh');
    await writeFile(editor, '#!/bin/sh\nsed -i "s/revisionHistoryLimit: 5/revisionHistoryLimit: 3/" "$1"\n', {
      mode: 0o755,
    });
    await kubectl('patch', 'deployment', 'web', '-n', 'shop', '-p', '{"spec":{"revisionHistoryLimit":5}}');
    const managers = async (): Promise<string[]> =>
      (
        await kubectl(
          'get',
          'deployment',
          'web',
          '-n',
          'shop',
          '-o',
          'jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation}/{.time}{"\\n"}{end}',
        )
      )
        .trim()
        .split('\n');
    expect(await managers()).toEqual(['kubectl-patch/Update/2025-06-02T09:00:00Z']);
    const edit = await runKubectl(['--kubeconfig', kubeconfig, 'edit', 'deployment', 'web', '-n', 'shop'], {
      KUBE_EDITOR: editor,
    });
    expect(edit.stdout).toContain('deployment.apps/web edited');
    await kubectl('label', 'deployment', 'web', '-n', 'shop', 'tier=frontend');
    // The edit took the only field kubectl-patch owned, so its entry is gone.
    expect((await managers()).map((line) => line.split('/').slice(0, 2).join('/'))).toEqual([
      'kubectl-edit/Update',
      'kubectl-label/Update',
    ]);
    const plain = await kubectl('get', 'deployment', 'web', '-n', 'shop', '-o', 'yaml');
    expect(plain).not.toContain('managedFields');
    expect(plain).toContain('revisionHistoryLimit: 3');
    const shown = await kubectl('get', 'deployment', 'web', '-n', 'shop', '-o', 'yaml', '--show-managed-fields');
    expect(shown).toMatch(
      /- apiVersion: apps\/v1\n\s+fieldsType: FieldsV1\n\s+fieldsV1:\n\s+f:spec:\n\s+f:revisionHistoryLimit: \{\}\n\s+manager: kubectl-edit\n\s+operation: Update\n\s+time: "2025-06-02T09:00:00Z"/,
    );
    expect(shown).toMatch(/f:labels:\n\s+f:tier: \{\}\n\s+manager: kubectl-label/);
  });

  it('lists Kyverno policies and policy reports', async () => {
    const out = await kubectl('get', 'clusterpolicies,policyreports', '-A');
    expect(out).toMatch(/clusterpolicy\.kyverno\.io\/disallow-latest-tag\s+true\s+true\s+True/);
    expect(out).toMatch(/shop\s+policyreport\.wgpolicyk8s\.io\/\S+\s+Deployment\s+checkout\s+1\s+1\s+0\s+0\s+0/);
    expect(out).toMatch(/shop\s+policyreport\.wgpolicyk8s\.io\/\S+\s+Deployment\s+worker\s+1\s+1\s+0\s+0\s+0/);
  });

  it('shows the Kyverno denial on a server-side dry-run apply and stores nothing', async () => {
    const file = join(dir, 'latest.yaml');
    await writeFile(
      file,
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: nightly, namespace: shop}',
        'spec:',
        '  selector: {matchLabels: {app: nightly}}',
        '  template:',
        '    metadata: {labels: {app: nightly}}',
        '    spec:',
        '      containers: [{name: app, image: "registry.example.com/shop/web:latest"}]',
        '',
      ].join('\n'),
    );
    const denial = await kubectlFailure('apply', '--dry-run=server', '-f', file);
    expect(denial).toContain('admission webhook "validate.kyverno.svc-fail" denied the request');
    expect(denial).toContain('resource Deployment/shop/nightly was blocked due to the following policies');
    expect(denial).toContain(
      "autogen-validate-image-tag: 'validation error: Using a mutable image tag e.g. ''latest'' is not allowed. " +
        "rule autogen-validate-image-tag failed at path /spec/template/spec/containers/0/image/'",
    );
    await writeFile(file, (await readFile(file, 'utf8')).replace(':latest', ':3.0.0'));
    expect(await kubectl('apply', '--dry-run=server', '-f', file)).toContain(
      'deployment.apps/nightly created (server dry run)',
    );
    expect(await kubectlFailure('get', 'deployment', 'nightly', '-n', 'shop')).toContain(
      'deployments.apps "nightly" not found',
    );
  });

  it('applies a fix with kubectl and the estate heals', async () => {
    const file = join(dir, 'fix.yaml');
    await writeFile(
      file,
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: cfg-settings, namespace: shop}',
        'data: {LOG_LEVEL: info}',
        '',
      ].join('\n'),
    );
    expect(await kubectl('apply', '-f', file)).toContain('configmap/cfg-settings created');
    await kubectl('set', 'env', 'deployment/checkout', '-n', 'shop', 'DATABASE_URL=postgres://db:5432/shop');
    const out = await kubectl('get', 'pods', '-n', 'shop');
    expect(out).toMatch(/cfg-\S+\s+1\/1\s+Running/);
    expect(out.match(/checkout-\S+\s+1\/1\s+Running/g)).toHaveLength(2);
    expect(out).not.toMatch(/checkout-\S+\s+0\/1/);
    expect(await kubectl('rollout', 'status', 'deployment/checkout', '-n', 'shop', '--timeout=5s')).toContain(
      'successfully rolled out',
    );
  });

  it('rejects a wrong token with 401', async () => {
    const bad = join(dir, 'bad-kubeconfig');
    await writeFile(bad, (await readFile(kubeconfig, 'utf8')).replace('token: test-token', 'token: wrong'));
    const result = await runKubectl(['--kubeconfig', bad, 'get', 'pods']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Unauthorized|must be logged in/);
  });
});
