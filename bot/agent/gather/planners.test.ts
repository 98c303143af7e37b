import { describe, expect, it } from 'vitest';
import type { Entities } from '../entities.js';
import { describeWorkloadResult, getApplicationResult } from '../tool-results/index.js';
import { planFirstRound } from './plan-first-round.js';
import { planLogsRound } from './plan-logs-round.js';
import { planSecondRound, scopeAfterFirstRound } from './plan-second-round.js';
import { planServicesRound } from './plan-services-round.js';
import type { Places } from './planned-call.js';

const places = (instances: Record<string, string[]>): Places => ({ instancesOf: (tool) => instances[tool] ?? [] });
const estate = places({
  describe_workload: ['prod-eu', 'prod-us'],
  list_events: ['prod-eu', 'prod-us'],
  list_policy_violations: ['prod-eu', 'prod-us'],
  get_namespace_health: ['prod-eu', 'prod-us'],
});
const entities = (extra: Partial<Entities>): Entities => ({ related: [], alternatives: [], unreachable: [], ...extra });
const app = { name: 'checkout', instance: 'argocd-eu-1', namespace: 'shop' };

describe('round one', () => {
  it('reads the app (state, tree, warning events) and the other apps the question names', () => {
    const calls = planFirstRound(entities({ app, related: [{ name: 'cart', instance: 'argocd-eu-1' }] }), estate);
    expect(calls.map((call) => `${call.tool} ${call.target}`)).toEqual([
      'get_application app/checkout',
      'get_application_tree app/checkout',
      'get_application_events app/checkout',
      'get_application app/cart',
    ]);
    expect(calls[2]?.args).toEqual({ name: 'checkout', instance: 'argocd-eu-1', warningsOnly: true });
  });

  it('describes the workload on its cluster', () => {
    const workload = { kind: 'Deployment', name: 'auth', namespace: 'identity', cluster: 'prod-eu', isHealthy: false };
    expect(planFirstRound(entities({ workload }), estate)).toEqual([
      {
        tool: 'describe_workload',
        args: { name: 'auth', namespace: 'identity', kind: 'Deployment', instance: 'prod-eu' },
        target: 'deployment/identity/auth',
      },
    ]);
  });

  it('checks a namespace’s health when only the namespace is known, on the instance serving the cluster', () => {
    expect(planFirstRound(entities({ namespace: 'billing', cluster: 'prod-us' }), estate)).toEqual([
      {
        tool: 'get_namespace_health',
        args: { namespace: 'billing', instance: 'prod-us' },
        target: 'namespace/billing',
      },
    ]);
    expect(planFirstRound(entities({}), estate)).toEqual([]);
  });
});

describe('round two', () => {
  const application = (extra: object) => getApplicationResult.parse({ name: 'checkout', ...extra });

  it('takes the cluster from the app’s destination when the question named none', () => {
    const scope = scopeAfterFirstRound(
      entities({ app }),
      application({ destination: { name: 'prod-us', namespace: 'shop' } }),
      estate,
    );
    expect(scope).toEqual({
      cluster: 'prod-us',
      namespace: 'shop',
      kubernetesInstance: 'prod-us',
      kyvernoInstance: 'prod-us',
    });
    const byServer = scopeAfterFirstRound(
      entities({ app }),
      application({ destination: { server: 'https://prod-eu.example.com' } }),
      estate,
    );
    expect(byServer.cluster).toBe('prod-eu');
  });

  it('asks for the diff only of an OutOfSync app, and for the workload behind an app', () => {
    const scope = { cluster: 'prod-eu', namespace: 'shop', kubernetesInstance: 'prod-eu', kyvernoInstance: 'prod-eu' };
    const outOfSync = planSecondRound(entities({ app }), application({ sync: 'OutOfSync' }), scope).map(
      (call) => call.tool,
    );
    expect(outOfSync).toEqual([
      'get_application_diff',
      'list_events',
      'list_policy_violations',
      'explain_admission_denial',
      'describe_workload',
    ]);
    const synced = planSecondRound(entities({ app }), application({ sync: 'Synced' }), scope);
    expect(synced.map((call) => call.tool)).not.toContain('get_application_diff');
    expect(synced.find((call) => call.tool === 'describe_workload')).toEqual({
      tool: 'describe_workload',
      args: { name: 'checkout', namespace: 'shop', instance: 'prod-eu' },
      target: 'workload/shop/checkout',
    });
  });

  it('looks for denials and events of a namespace without an app', () => {
    const calls = planSecondRound(entities({ namespace: 'billing' }), undefined, { namespace: 'billing' });
    expect(calls).toEqual([
      { tool: 'list_events', args: { namespace: 'billing', type: 'Warning' }, target: 'namespace/billing' },
      { tool: 'list_policy_violations', args: { namespace: 'billing' }, target: 'namespace/billing' },
      { tool: 'explain_admission_denial', args: { namespace: 'billing' }, target: 'namespace/billing' },
    ]);
  });
});

describe('round three: logs', () => {
  const workload = {
    kind: 'Deployment',
    name: 'payments-api',
    namespace: 'payments',
    cluster: 'prod-eu',
    isHealthy: false,
  };
  const report = (pods: unknown[], crashLogs: unknown[] = []) =>
    describeWorkloadResult.parse({ kind: 'Deployment', namespace: 'payments', name: 'payments-api', pods, crashLogs });
  const pod = (name: string, containers: unknown[]) => ({ name, phase: 'Running', isHealthy: false, containers });

  it('reads the previous run of a container that restarted', () => {
    const calls = planLogsRound(
      entities({ workload }),
      report([pod('payments-api-7d9f-x1', [{ name: 'app', restarts: 4, state: 'waiting: CrashLoopBackOff' }])]),
      {},
    );
    expect(calls).toEqual([
      {
        tool: 'get_pod_logs',
        args: {
          name: 'payments-api-7d9f-x1',
          namespace: 'payments',
          previous: true,
          tailLines: 40,
          instance: 'prod-eu',
        },
        target: 'pod/payments/payments-api-7d9f-x1',
      },
    ]);
  });

  it('greps the trouble lines of a running pod, and skips pods that never started', () => {
    const pods = [
      pod('a-1', [{ name: 'app', restarts: 0, state: 'waiting: ContainerCreating' }]),
      pod('a-2', [{ name: 'app', restarts: 0, state: 'running' }]),
    ];
    const [call] = planLogsRound(entities({ workload }), report(pods), {});
    expect(call?.args).toMatchObject({ name: 'a-2', tailLines: 200 });
    expect(call?.args.grep).toBeDefined();
    expect(planLogsRound(entities({ workload }), report(pods.slice(0, 1)), {})).toEqual([]);
  });

  it('reads no logs when describe_workload brought the crash logs', () => {
    const crashLogs = [{ pod: 'a-1', container: 'app', previous: true, lines: ['boom'] }];
    expect(
      planLogsRound(
        entities({ workload }),
        report([pod('a-1', [{ name: 'app', restarts: 2, state: 'running' }])], crashLogs),
        {},
      ),
    ).toEqual([]);
    expect(planLogsRound(entities({ workload }), undefined, {})).toEqual([]);
  });
});

describe('round four: services', () => {
  it('checks the services log lines could not reach, in the namespace the host names', () => {
    const lines = [
      'dial tcp: lookup shipping.shop.svc.cluster.local on 10.96.0.10:53: no such host',
      'dial tcp cart:8080: connect: connection refused',
    ];
    expect(planServicesRound(lines, { namespace: 'web', kubernetesInstance: 'prod-eu' })).toEqual([
      // A name that did not resolve: every Service, to find the one it meant.
      { tool: 'list_resources', args: { kind: 'Service', limit: 200, instance: 'prod-eu' }, target: 'services' },
      {
        tool: 'check_service',
        args: { name: 'shipping', namespace: 'shop', instance: 'prod-eu' },
        target: 'service/shop/shipping',
      },
      {
        tool: 'check_service',
        args: { name: 'cart', namespace: 'web', instance: 'prod-eu' },
        target: 'service/web/cart',
      },
    ]);
    expect(planServicesRound(['all good'], {})).toEqual([]);
  });
});
