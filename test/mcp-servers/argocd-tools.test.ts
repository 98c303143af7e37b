import { describeScenarioCases } from './scenario-cases.js';

describeScenarioCases('argocd server against sandbox scenarios', [
  {
    scenario: 'missing-image-tag',
    calls: [
      {
        server: 'argocd',
        tool: 'list_applications',
        args: { health: 'Degraded' },
        shows: ['checkout  Synced/Degraded'],
      },
      {
        server: 'argocd',
        tool: 'get_application',
        args: { name: 'checkout' },
        shows: ['health=Degraded', 'checkout: release 1.8.3 to prod-eu', 'Sam Ortiz'],
      },
      {
        server: 'argocd',
        tool: 'get_application_tree',
        args: { name: 'checkout' },
        shows: ['Degraded Pod/checkout-', 'ImagePullBackOff'],
      },
      {
        server: 'argocd',
        tool: 'get_application_history',
        args: { name: 'checkout' },
        shows: ['#1', '(current)', 'Dana Lee'],
      },
    ],
  },
  {
    scenario: 'crash-missing-env',
    calls: [
      { server: 'argocd', tool: 'get_application_tree', args: { name: 'payments-api' }, shows: ['CrashLoopBackOff'] },
      {
        server: 'argocd',
        tool: 'get_application_logs',
        args: { name: 'payments-api', previous: true },
        shows: ['PAYMENTS_DB_URL'],
      },
    ],
  },
  {
    scenario: 'sync-failed-namespace-typo',
    calls: [
      {
        server: 'argocd',
        tool: 'get_application',
        args: { name: 'billing' },
        shows: ['last operation: Failed', 'SyncFailed', 'not in deploy history'],
      },
      {
        server: 'argocd',
        tool: 'get_application_diff',
        args: { name: 'billing' },
        shows: ['Deployment/billing (paymnets): in git, missing from the cluster'],
      },
      {
        server: 'argocd',
        tool: 'get_application_events',
        args: { name: 'billing', warningsOnly: true },
        shows: ['OperationCompleted', 'failed'],
      },
    ],
  },
  {
    scenario: 'argocd-drift',
    calls: [
      {
        server: 'argocd',
        tool: 'list_applications',
        args: { sync: 'OutOfSync' },
        shows: ['pricing  OutOfSync/Healthy'],
      },
      {
        server: 'argocd',
        tool: 'get_application_diff',
        args: { name: 'pricing' },
        shows: ['-  replicas: 4', '+  replicas: 2', 'LOG_LEVEL', 'kubectl-edit (Update, 3h ago)'],
      },
    ],
  },
  {
    scenario: 'bad-service-hostname',
    calls: [
      {
        server: 'argocd',
        tool: 'get_application',
        args: { name: 'shipping' },
        shows: ['rename Service to shipping-svc'],
      },
      {
        server: 'argocd',
        tool: 'get_application_logs',
        args: { name: 'checkout', grep: 'no such host' },
        shows: ['lookup shipping.shop.svc.cluster.local'],
      },
    ],
  },
]);
