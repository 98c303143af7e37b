import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMcpToolNames } from '../../mcp-servers/tool-names.js';
import { packageRoot } from '../package-root.js';
import { createSkillCatalog } from './catalog.js';
import type { SkillCatalog } from './catalog-types.js';
import type { EvidenceItem } from './evidence.js';
import { lintPaths } from './lint/lint-paths.js';

const skillsRoot = join(packageRoot(), 'skills');
const scenariosRoot = join(packageRoot(), 'evaluators', 'scenarios');

const pod = (namespace: string, name: string) => `kubernetes/prod-eu/pod/${namespace}/${name}`;
const state = (source: string, text: string): EvidenceItem => ({ kind: 'container_state', source, text });
const event = (source: string, text: string): EvidenceItem => ({ kind: 'event', source, text });
const log = (source: string, text: string): EvidenceItem => ({ kind: 'log', source, text });
const argocd = (app: string, text: string): EvidenceItem => ({
  kind: 'argocd',
  source: `argocd/argocd-eu-1/app/${app}`,
  text,
});

/**
 * One evidence bundle per fault class, in the words Kubernetes, Argo CD and Kyverno use, and the
 * skill that must rank first. Look-alike pairs sit side by side on purpose.
 */
const cases: Array<{ fault: string; expected: string; evidence: EvidenceItem[] }> = [
  {
    fault: 'image tag does not exist',
    expected: 'image-pull-errors',
    evidence: [
      state(
        pod('shop', 'checkout-7d9f-x2k4'),
        'container checkout: waiting reason=ImagePullBackOff message="Back-off pulling image ' +
          '\\"registry.example.com/shop/checkout:1.8.3\\""',
      ),
      event(
        pod('shop', 'checkout-7d9f-x2k4'),
        'Warning Failed (x4): Failed to pull image "registry.example.com/shop/checkout:1.8.3": rpc error: code ' +
          '= NotFound desc = failed to pull and unpack image "registry.example.com/shop/checkout:1.8.3": failed ' +
          'to resolve reference "registry.example.com/shop/checkout:1.8.3": ' +
          'registry.example.com/shop/checkout:1.8.3: not found',
      ),
      event(
        pod('shop', 'checkout-7d9f-x2k4'),
        'Warning BackOff (x12): Back-off pulling image "registry.example.com/shop/checkout:1.8.3"',
      ),
      {
        kind: 'other',
        source: 'kubernetes/prod-eu/deployment/shop/checkout',
        text:
          'Deployment shop/checkout: Progressing=False reason=ProgressDeadlineExceeded: ReplicaSet ' +
          '"checkout-7d9f" has timed out progressing.',
      },
    ],
  },
  {
    fault: 'missing env var makes the app exit (look-alike of a missing ConfigMap)',
    expected: 'crashloop-missing-config',
    evidence: [
      state(
        pod('payments', 'payments-api-5c8d-q9w2'),
        'container payments-api: waiting reason=CrashLoopBackOff; last terminated reason=Error exitCode=1 (ran ' +
          '1s); restarts=9',
      ),
      event(
        pod('payments', 'payments-api-5c8d-q9w2'),
        'Warning BackOff (x40): Back-off restarting failed container payments-api in pod ' +
          'payments-api-5c8d-q9w2_payments',
      ),
      log(
        pod('payments', 'payments-api-5c8d-q9w2'),
        '{"level":"info","msg":"payments-api 3.2.0 starting","pid":1}\n{"level":"fatal","msg":"config: required ' +
          'key PAYMENTS_DB_URL missing value","error":"envconfig.Process: PAYMENTS_DB_URL"}',
      ),
    ],
  },
  {
    fault: 'missing ConfigMap mounted as a volume (look-alike of a missing env var)',
    expected: 'missing-configmap-or-secret',
    evidence: [
      state(pod('notify', 'notifications-6f4b-m2n8'), 'container notifications: waiting reason=ContainerCreating'),
      event(
        pod('notify', 'notifications-6f4b-m2n8'),
        'Warning FailedMount (x7): MountVolume.SetUp failed for volume "config" : configmap ' +
          '"notifications-config" not found',
      ),
    ],
  },
  {
    fault: 'missing Secret referenced from env',
    expected: 'missing-configmap-or-secret',
    evidence: [
      state(
        pod('auth', 'auth-7c9d-p1q2'),
        'container auth: waiting reason=CreateContainerConfigError message="secret \\"auth-db-credentials\\" ' +
          'not found"',
      ),
      event(pod('auth', 'auth-7c9d-p1q2'), 'Warning Failed (x6): Error: secret "auth-db-credentials" not found'),
    ],
  },
  {
    fault: 'container over its memory limit (look-alike of a liveness kill)',
    expected: 'oomkilled',
    evidence: [
      state(
        pod('reports', 'reporting-84c7-z8x7'),
        'container reporting: waiting reason=CrashLoopBackOff; last terminated reason=OOMKilled exitCode=137 ' +
          '(ran 42s); restarts=6; limits.memory=512Mi',
      ),
      event(
        pod('reports', 'reporting-84c7-z8x7'),
        'Warning BackOff (x20): Back-off restarting failed container reporting in pod reporting-84c7-z8x7_reports',
      ),
    ],
  },
  {
    fault: 'liveness probe on the wrong port (look-alike of OOMKilled)',
    expected: 'probe-failures',
    evidence: [
      state(
        pod('orders', 'orders-5d6f-k3l4'),
        'container orders: waiting reason=CrashLoopBackOff; last terminated reason=Error exitCode=137 (ran ' +
          '35s); restarts=5',
      ),
      event(
        pod('orders', 'orders-5d6f-k3l4'),
        'Warning Unhealthy (x15): Liveness probe failed: Get "http://10.244.1.17:8081/healthz": dial tcp ' +
          '10.244.1.17:8081: connect: connection refused',
      ),
      event(
        pod('orders', 'orders-5d6f-k3l4'),
        'Normal Killing (x5): Container orders failed liveness probe, will be restarted',
      ),
      event(
        pod('orders', 'orders-5d6f-k3l4'),
        'Warning BackOff (x9): Back-off restarting failed container orders in pod orders-5d6f-k3l4_orders',
      ),
    ],
  },
  {
    fault: 'nodeSelector matches no node',
    expected: 'pod-scheduling-failures',
    evidence: [
      state(pod('analytics', 'spark-driver-0'), 'pod phase=Pending; no container started'),
      event(
        pod('analytics', 'spark-driver-0'),
        "Warning FailedScheduling (x3): 0/3 nodes are available: 3 node(s) didn't match Pod's node " +
          'affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
      ),
    ],
  },
  {
    fault: 'requests larger than free node capacity',
    expected: 'pod-scheduling-failures',
    evidence: [
      event(
        pod('search', 'indexer-6c5b-r5t6'),
        'Warning FailedScheduling: 0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are ' +
          'available: 3 No preemption victims found for incoming pod.',
      ),
    ],
  },
  {
    fault: 'namespace quota exceeded',
    expected: 'resource-quota-exceeded',
    evidence: [
      event(
        'kubernetes/prod-eu/replicaset/shop/checkout-7d9f',
        'Warning FailedCreate (x11): Error creating: pods "checkout-7d9f-abcde" is forbidden: exceeded quota: ' +
          'compute-quota, requested: limits.memory=2Gi, used: limits.memory=7Gi, limited: limits.memory=8Gi',
      ),
      {
        kind: 'other',
        source: 'kubernetes/prod-eu/deployment/shop/checkout',
        text: 'Deployment shop/checkout: 1/3 replicas available; ReplicaFailure=True reason=FailedCreate',
      },
    ],
  },
  {
    fault: 'StorageClass does not exist',
    expected: 'pvc-pending',
    evidence: [
      event(
        'kubernetes/prod-eu/persistentvolumeclaim/db/data-postgres-0',
        'Warning ProvisioningFailed (x8): storageclass.storage.k8s.io "fast" not found',
      ),
      event(
        pod('db', 'postgres-0'),
        'Warning FailedScheduling: 0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. ' +
          'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
      ),
    ],
  },
  {
    fault: 'caller uses a misspelled hostname',
    expected: 'service-connectivity',
    evidence: [
      state(pod('shop', 'checkout-7d9f-x2k4'), 'container checkout: running ready=true restarts=0'),
      log(
        pod('shop', 'checkout-7d9f-x2k4'),
        'level=error msg="charge failed" err="Post \\"http://paymnets.shop.svc.cluster.local:8080/charge\\": ' +
          'dial tcp: lookup paymnets.shop.svc.cluster.local on 10.96.0.10:53: no such host"',
      ),
    ],
  },
  {
    fault: 'Service selector matches no pods',
    expected: 'service-connectivity',
    evidence: [
      {
        kind: 'service',
        source: 'kubernetes/prod-eu/service/shop/payments',
        text:
          'service shop/payments: selector app=payment matches 0 pods; 0 ready endpoints; near-miss pods: ' +
          'payments-6f7c-abcd (app=payments)',
      },
      log(
        pod('shop', 'checkout-7d9f-x2k4'),
        'error calling payments: dial tcp 10.96.12.4:8080: connect: connection refused',
      ),
    ],
  },
  {
    fault: 'Argo CD sync targets a misspelled namespace',
    expected: 'argocd-sync-failures',
    evidence: [
      argocd(
        'payments',
        'app payments: sync=OutOfSync health=Healthy revision=4f2a9c1\noperation Sync phase=Failed: one or more ' +
          'objects failed to apply, reason: namespaces "paymnets" not found',
      ),
    ],
  },
  {
    fault: 'live state changed by hand',
    expected: 'argocd-drift',
    evidence: [
      argocd(
        'checkout',
        'app checkout: sync=OutOfSync health=Healthy; last operation Sync Succeeded\nout of sync: ' +
          'apps/Deployment shop/checkout spec.replicas git=3 live=5 (manager: kubectl-scale)',
      ),
    ],
  },
  {
    fault: 'Kyverno blocks the sync (look-alike of a plain sync failure)',
    expected: 'kyverno-policy-violations',
    evidence: [
      argocd(
        'checkout',
        'app checkout: sync=OutOfSync health=Healthy\noperation Sync phase=Failed: one or more objects failed ' +
          'to apply, reason: admission webhook "validate.kyverno.svc-fail" denied the request: resource ' +
          'Deployment/shop/checkout was blocked due to the following policies require-requests-limits: ' +
          "validate-resources: 'validation error: CPU and memory resource requests and limits are required. rule " +
          "validate-resources failed at path /spec/template/spec/containers/0/resources/limits/'",
      ),
      {
        kind: 'kyverno',
        source: 'kyverno/prod-eu/policyreport/shop',
        text:
          'policy require-requests-limits rule validate-resources: fail on Deployment/shop/checkout: validation ' +
          'error: CPU and memory resource requests and limits are required. rule validate-resources failed at ' +
          'path /spec/template/spec/containers/0/resources/limits/',
      },
    ],
  },
  {
    fault: 'rollout past its progress deadline, cause not yet known',
    expected: 'rollout-stuck',
    evidence: [
      {
        kind: 'other',
        source: 'kubernetes/prod-eu/deployment/shop/cart',
        text:
          'Deployment shop/cart: Progressing=False reason=ProgressDeadlineExceeded: ReplicaSet "cart-59d8" has ' +
          'timed out progressing.',
      },
      argocd('cart', 'app cart: sync=Synced health=Progressing'),
    ],
  },
  {
    fault: 'node ran out of memory and evicted pods',
    expected: 'node-pressure-evictions',
    evidence: [
      state(
        pod('shop', 'checkout-7d9f-aaaa'),
        'pod phase=Failed reason=Evicted message="The node was low on resource: memory. Threshold quantity: ' +
          '100Mi, available: 85Mi. Container checkout was using 1.2Gi, request is 256Mi, has larger consumption ' +
          'of memory."',
      ),
      event(
        pod('shop', 'checkout-7d9f-aaaa'),
        'Warning Evicted: The node was low on resource: memory. Threshold quantity: 100Mi, available: 85Mi.',
      ),
      event('kubernetes/prod-eu/node/worker-2', 'Warning EvictionThresholdMet: Attempting to reclaim memory'),
    ],
  },
  {
    fault: 'HPA cannot read CPU utilisation',
    expected: 'hpa-not-scaling',
    evidence: [
      event(
        'kubernetes/prod-eu/horizontalpodautoscaler/shop/checkout',
        'Warning FailedGetResourceMetric (x30): failed to get cpu utilization: missing request for cpu in ' +
          'container istio-proxy of Pod checkout-7d9f-x2k4',
      ),
    ],
  },
  {
    fault: 'migration Job exhausted its retries',
    expected: 'job-failures',
    evidence: [
      {
        kind: 'other',
        source: 'kubernetes/prod-eu/job/shop/db-migrate-29',
        text: 'Job shop/db-migrate-29: Failed reason=BackoffLimitExceeded: Job has reached the specified backoff limit',
      },
      state(pod('shop', 'db-migrate-29-x7k2p'), 'container migrate: terminated reason=Error exitCode=1'),
    ],
  },
  {
    fault: 'a crash loop with nothing telling yet',
    expected: 'kubernetes-triage',
    evidence: [
      state(
        pod('shop', 'cart-59d8-q1w2'),
        'container cart: waiting reason=CrashLoopBackOff; last terminated reason=Error exitCode=2; restarts=3',
      ),
      event(
        pod('shop', 'cart-59d8-q1w2'),
        'Warning BackOff (x6): Back-off restarting failed container cart in pod cart-59d8-q1w2_shop',
      ),
      log(pod('shop', 'cart-59d8-q1w2'), 'starting cart service on :8080'),
    ],
  },
];

describe('starter skill library', () => {
  let catalog: SkillCatalog;
  beforeAll(async () => {
    catalog = await createSkillCatalog({ roots: [skillsRoot] });
  });
  afterAll(async () => {
    await catalog.close();
  });

  it("holds at least 16 skills and every one lints clean against the MCP servers' tool list", () => {
    const report = lintPaths([skillsRoot], packageRoot(), { knownTools: new Set(listMcpToolNames()) });
    expect(report.issues).toEqual([]);
    expect(report.skills).toBeGreaterThanOrEqual(16);
    expect(catalog.errors()).toEqual([]);
    expect(catalog.list()).toHaveLength(report.skills);
  });

  it('has a skill for every fault class below', () => {
    const names = new Set(catalog.list().map((skill) => skill.name));
    for (const name of new Set(cases.map((entry) => entry.expected))) expect(names).toContain(name);
  });

  it.each(cases)('ranks $expected first for: $fault', ({ expected, evidence }) => {
    const matches = catalog.match(evidence);
    expect(matches[0]?.name, JSON.stringify(matches.map((match) => [match.name, match.score]))).toBe(expected);
    expect(matches[0]?.hits.length).toBeGreaterThan(0);
  });

  it('returns nothing for healthy evidence', () => {
    const matches = catalog.match([
      state(pod('shop', 'checkout-7d9f-x2k4'), 'container checkout: running ready=true restarts=0'),
      log(pod('shop', 'checkout-7d9f-x2k4'), 'GET /healthz 200 1ms'),
    ]);
    expect(matches).toEqual([]);
  });

  it("names an existing skill in every sandbox scenario's expect.skill", () => {
    const scenarioFiles = readdirSync(scenariosRoot).filter((file) => file.endsWith('.yaml'));
    // A vanished scenario folder must fail here, not pass with nothing checked.
    expect(scenarioFiles.length).toBeGreaterThan(0);
    const names = new Set(catalog.list().map((skill) => skill.name));
    for (const file of scenarioFiles) {
      const scenario = parseYaml(readFileSync(join(scenariosRoot, file), 'utf8')) as { expect?: { skill?: string } };
      expect(scenario.expect?.skill, file).toBeDefined();
      expect(names, `${file}: expect.skill '${scenario.expect?.skill}'`).toContain(scenario.expect?.skill);
    }
  });
});
