import { describe, expect, it } from 'vitest';
import { readToolResult } from '../tool-results/read-result.js';
import type { ReadTool } from '../tool-results/result-schemas.js';
import { ageOf } from './age.js';
import { evidenceFromSections, isEmptySection } from './build-evidence.js';
import type { GatheredSection } from './section.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const minutesAgo = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();

/** A section as gather builds it, from structured content only (the text says nothing). */
function section(
  tool: ReadTool,
  structured: unknown,
  options: { isError?: boolean; target?: string } = {},
): GatheredSection {
  const result = { text: 'text the bot must not read', structured, isError: options.isError ?? false };
  return {
    tool,
    read: readToolResult(tool, result, 'prod-eu'),
    instance: 'prod-eu',
    target: options.target ?? 'x/y',
    text: result.text,
    isError: result.isError,
  } as GatheredSection;
}
const texts = (sections: GatheredSection[]) =>
  evidenceFromSections(sections, NOW).map((item) => `${item.kind}${item.isProblem ? '!' : ''} ${item.text}`);

describe('get_application', () => {
  it(
    'states sync and health, the failed operation and its ' + 'failed resources, conditions and unhealthy resources',
    () => {
      const app = {
        name: 'profile',
        sync: 'OutOfSync',
        health: 'Degraded',
        destination: { name: 'prod-eu', namespace: 'identity' },
        operation: {
          phase: 'Failed',
          message: 'one or more objects failed to apply,\nreason: denied',
          failedResources: [
            {
              kind: 'Deployment',
              name: 'profile',
              namespace: 'identity',
              status: 'SyncFailed',
              message: 'admission webhook denied',
            },
          ],
        },
        conditions: [{ type: 'SyncError', message: 'failed' }],
        unhealthyResources: [
          {
            kind: 'Deployment',
            name: 'profile',
            health: { status: 'Degraded', message: 'exceeded its progress deadline' },
          },
        ],
        outOfSyncResources: ['Deployment/profile'],
      };
      expect(texts([section('get_application', app)])).toEqual([
        'argocd! Application profile: sync=OutOfSync health=Degraded',
        'argocd destination: prod-eu ns=identity',
        'argocd! last operation: Failed: one or more objects failed to apply, reason: denied',
        'argocd! Deployment/profile (identity) SyncFailed: admission webhook denied',
        'argocd! condition SyncError: failed',
        'argocd! Deployment/profile Degraded: exceeded its progress deadline',
        'argocd! out of sync: Deployment/profile',
      ]);
    },
  );
});

describe('get_application_diff', () => {
  it('keeps each changed value together with the context that names it, and who last wrote the live object', () => {
    const diff = {
      name: 'pricing',
      diffs: [
        {
          resource: 'Deployment/pricing (shop)',
          change: 'modified',
          lastWrittenBy: 'kubectl-edit (Update, 3h ago)',
          lines: [
            '@@ -9,5 +9,5 @@',
            '   namespace: shop',
            ' spec:',
            '-  replicas: 4',
            '+  replicas: 2',
            '@@ -21,5 +21,5 @@',
            '         - name: LOG_LEVEL',
            '-            value: debug',
            '+            value: info',
          ],
        },
        { resource: 'ConfigMap/pricing-flags (shop)', change: 'missing-in-cluster', lines: [] },
      ],
    };
    expect(texts([section('get_application_diff', diff)])).toEqual([
      'argocd! Deployment/pricing (shop) (live last written by kubectl-edit (Update, 3h ago)) live vs git: ' +
        'namespace: shop | spec: | -replicas: 4 | +replicas: 2',
      'argocd! Deployment/pricing (shop) (live last written by kubectl-edit (Update, 3h ago)) live vs git: - ' +
        'name: LOG_LEVEL | -value: debug | +value: info',
      'argocd! ConfigMap/pricing-flags (shop): in git, missing from the cluster (sync would create it)',
    ]);
  });
});

describe('get_application_tree', () => {
  it('lists unhealthy nodes with parents, info and health message', () => {
    const tree = {
      name: 'ledger',
      unhealthy: [
        {
          kind: 'Pod',
          name: 'ledger-1',
          namespace: 'finance',
          health: { status: 'Progressing', message: 'pending' },
          parents: 'Deployment/ledger > ReplicaSet/ledger-8s',
          info: [{ name: 'Status Reason', value: 'Pending' }],
        },
      ],
    };
    expect(texts([section('get_application_tree', tree)])).toEqual([
      'argocd! Progressing Pod/ledger-1 (finance) ← Deployment/ledger > ReplicaSet/ledger-8s  Status ' +
        'Reason=Pending: pending',
    ]);
  });
});

describe('describe_workload', () => {
  it(
    'yields the pods’ container reasons and exit codes, ' + 'missing references, warning events and crash log lines',
    () => {
      const report = {
        kind: 'Deployment',
        namespace: 'payments',
        name: 'payments-api',
        rollout: { summary: '0/1 ready', isHealthy: false, problems: ['Progressing=False ProgressDeadlineExceeded'] },
        pods: [
          {
            name: 'payments-api-7d-x1',
            phase: 'Running',
            ready: '0/1',
            restarts: 28,
            isHealthy: false,
            problems: ['app last terminated Error (exit 1) 3m ago, 28 restarts'],
            containers: [],
          },
        ],
        missingReferences: [{ kind: 'Secret', name: 'db', usedBy: 'env DB_PASSWORD key password (app)' }],
        unboundClaims: [{ name: 'data', phase: 'Pending', storageClassName: 'fast-ssd' }],
        missingKeys: [{ kind: 'ConfigMap', name: 'cfg', key: 'URL', usedBy: 'env URL (app)' }],
        warningEvents: [
          {
            type: 'Warning',
            reason: 'BackOff',
            object: 'Pod/payments-api-7d-x1',
            message: 'Back-off restarting failed container',
            count: 12,
            lastSeen: minutesAgo(2),
          },
        ],
        crashLogs: [
          {
            pod: 'payments-api-7d-x1',
            container: 'app',
            previous: true,
            lines: ['starting', 'PAYMENTS_DB_URL is required'],
          },
        ],
      };
      expect(texts([section('describe_workload', report)])).toEqual([
        'container_state Deployment payments/payments-api',
        'container_state rollout: 0/1 ready',
        'container_state! Progressing=False ProgressDeadlineExceeded',
        'container_state payments-api-7d-x1  Running 0/1 ready  restarts=28',
        'container_state! app last terminated Error (exit 1) 3m ago, 28 restarts',
        'container_state! missing Secret db — used by env DB_PASSWORD key password (app) (pods cannot start until ' +
          'it exists)',
        'container_state! PersistentVolumeClaim data is Pending (storageClassName fast-ssd): pods using it ' +
          'cannot start',
        "container_state! ConfigMap cfg has no key 'URL' — used by env URL (app)",
        'event! x12 Warning BackOff Pod/payments-api-7d-x1 (2m ago): Back-off restarting failed container',
        'log starting',
        'log PAYMENTS_DB_URL is required',
      ]);
    },
  );
});

describe('events, namespace health, logs, services and policies', () => {
  it('formats event groups, whichever form the involved object takes', () => {
    const groups = [
      {
        type: 'Warning',
        reason: 'FailedScheduling',
        object: 'Pod/a-1',
        message: '0/3 nodes are available: 3 Insufficient cpu.',
        count: 5,
        lastSeen: minutesAgo(4),
      },
      {
        type: 'Normal',
        reason: 'Pulled',
        object: { kind: 'Pod', name: 'a-2', namespace: 'shop' },
        message: 'pulled',
        count: 1,
      },
    ];
    expect(texts([section('list_events', { groups, total: 2 })])).toEqual([
      'event! x5 Warning FailedScheduling Pod/a-1 (4m ago): 0/3 nodes are available: 3 Insufficient cpu.',
      'event x1 Pulled Pod/a-2 (? ago): pulled',
    ]);
  });

  it('flags each namespace finding', () => {
    const health = {
      namespace: 'billing',
      isHealthy: false,
      findings: [{ object: 'Pod/inv-1', problem: 'Pending 0/1 restarts=0: not scheduled' }],
      warningEvents: [],
    };
    expect(texts([section('get_namespace_health', health)])).toEqual([
      'container_state! Pod/inv-1: Pending 0/1 restarts=0: not scheduled',
    ]);
  });

  it('keeps log lines as they were logged', () => {
    expect(
      texts([section('get_pod_logs', { pod: 'a-1', lines: ['  ERROR dial tcp: lookup cart: no such host', ''] })]),
    ).toEqual(['log ERROR dial tcp: lookup cart: no such host']);
  });

  it('states endpoints and flags service problems', () => {
    const service = {
      service: 'cart',
      namespace: 'shop',
      selectedPods: [],
      readyEndpoints: 0,
      notReadyEndpoints: 0,
      problems: ['selector matches no pods in shop'],
      isHealthy: false,
    };
    expect(texts([section('check_service', service)])).toEqual([
      'service Service shop/cart: 0 pods selected; endpoints: 0 ready, 0 not ready',
      'service! selector matches no pods in shop',
    ]);
  });

  it(
    'folds each policy group onto one line with its resources, and each denial into its message, field and ' +
      'requirements',
    () => {
      const violations = {
        groups: [
          {
            policy: 'require-limits',
            rule: 'check',
            result: 'fail',
            message: 'limits are required',
            resources: ['Deployment shop/a', 'Deployment shop/b'],
          },
        ],
      };
      const denials = {
        denials: [
          {
            policy: 'disallow-latest-tag',
            rule: 'validate-image-tag',
            mode: 'Enforce',
            message: 'mutable tag',
            requirements: ['image must not end in :latest'],
            failedPath: 'spec.containers[0].image',
            resource: 'Deployment/identity/profile',
            source: 'Argo CD application profile sync Failed',
          },
        ],
      };
      expect(
        texts([section('list_policy_violations', violations), section('explain_admission_denial', denials)]),
      ).toEqual([
        'kyverno! require-limits/check [fail] x2: limits are required — Deployment shop/a, Deployment shop/b',
        'kyverno resource Deployment/identity/profile — from Argo CD application profile sync Failed',
        'kyverno! policy disallow-latest-tag rule validate-image-tag (Enforce): mutable tag',
        'kyverno failed at: spec.containers[0].image',
        'kyverno fix: image must not end in :latest',
      ]);
    },
  );
});

describe('error results and empty look-ups', () => {
  it('keeps a not-found error as a finding of the tool’s kind, and drops other errors', () => {
    const notFound = section(
      'check_service',
      { error: "Service 'shipping' not found in shop. Closest: shipping-svc.", code: 'not_found' },
      { isError: true },
    );
    const backend = section(
      'get_pod_logs',
      { error: 'container is waiting to start', code: 'backend_error' },
      { isError: true },
    );
    const [item, ...rest] = evidenceFromSections([notFound, backend], NOW);
    expect(item).toEqual({
      kind: 'service',
      source: 'check_service:prod-eu/x/y',
      text: "Service 'shipping' not found in shop. Closest: shipping-svc.",
      isProblem: true,
    });
    expect(rest).toEqual([]);
  });

  it('calls a look-up that found nothing empty, and one that found something not', () => {
    expect(isEmptySection(section('list_events', { groups: [], total: 0 }))).toBe(true);
    expect(isEmptySection(section('explain_admission_denial', { denials: [] }))).toBe(true);
    expect(isEmptySection(section('get_application', { name: 'x', sync: 'Synced', health: 'Healthy' }))).toBe(false);
  });

  it('says how long ago, compactly', () => {
    expect([
      ageOf(minutesAgo(0.5), NOW),
      ageOf(minutesAgo(14), NOW),
      ageOf(minutesAgo(300), NOW),
      ageOf(minutesAgo(4000), NOW),
      ageOf(undefined, NOW),
    ]).toEqual(['30s', '14m', '5h', '3d', '?']);
  });
});
