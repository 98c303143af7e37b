import { describeScenarioCases } from './scenario-cases.js';

// Workloads that start but fail: every answer must carry the scenario's root-cause facts.
describeScenarioCases('kubernetes server against sandbox scenarios (crashing and misconfigured workloads)', [
  {
    scenario: 'crash-missing-env',
    calls: [
      {
        server: 'kubernetes',
        tool: 'describe_workload',
        args: { name: 'payments-api' },
        shows: ['CrashLoopBackOff', 'restarts=', 'exit 1', 'PAYMENTS_DB_URL'],
      },
      {
        server: 'kubernetes',
        tool: 'get_pod_logs',
        args: { name: 'payments-api', namespace: 'payments', previous: true, grep: 'fatal' },
        shows: ['PAYMENTS_DB_URL missing'],
      },
      {
        server: 'kubernetes',
        tool: 'get_rollout_history',
        args: { name: 'payments-api', namespace: 'payments' },
        shows: ['rev 2 (current)', 'env removed: PAYMENTS_DB_URL'],
      },
    ],
  },
  {
    scenario: 'missing-image-tag',
    calls: [
      {
        server: 'kubernetes',
        tool: 'find_workloads',
        args: { nameContains: 'check' },
        shows: ['Deployment shop/checkout'],
      },
      {
        server: 'kubernetes',
        tool: 'describe_workload',
        args: { name: 'checkout', namespace: 'shop', kind: 'Deployment' },
        shows: ['ImagePullBackOff', 'checkout:1.8.3', 'ProgressDeadlineExceeded'],
      },
      {
        server: 'kubernetes',
        tool: 'get_namespace_health',
        args: { namespace: 'shop' },
        shows: ['Deployment/checkout', 'ImagePullBackOff'],
      },
    ],
  },
  {
    scenario: 'oomkilled',
    calls: [
      {
        server: 'kubernetes',
        tool: 'describe_workload',
        args: { name: 'reporting' },
        shows: ['OOMKilled (exit 137)', 'limits memory=512Mi'],
      },
    ],
  },
  {
    scenario: 'missing-secret',
    calls: [
      {
        server: 'kubernetes',
        tool: 'describe_workload',
        args: { name: 'auth' },
        shows: ['missing references', 'Secret auth-db-credentials'],
      },
    ],
  },
  {
    scenario: 'missing-configmap',
    calls: [
      {
        server: 'kubernetes',
        tool: 'describe_workload',
        args: { name: 'notifications' },
        shows: ['ConfigMap notifications-config'],
      },
      {
        server: 'kubernetes',
        tool: 'list_events',
        args: { namespace: 'messaging', reason: 'FailedMount' },
        shows: ['FailedMount'],
      },
    ],
  },
  {
    scenario: 'wrong-probe-port',
    calls: [{ server: 'kubernetes', tool: 'describe_workload', args: { name: 'orders' }, shows: ['Unhealthy'] }],
  },
]);
