import { describeScenarioCases } from './scenario-cases.js';

// Workloads that never get running pods, and traffic that never reaches them.
describeScenarioCases('kubernetes server against sandbox scenarios (scheduling, quota, storage, services)', [
  {
    scenario: 'insufficient-cpu',
    calls: [
      { server: 'kubernetes', tool: 'describe_workload', args: { name: 'recommendations' }, shows: ['not scheduled'] },
      {
        server: 'kubernetes',
        tool: 'list_resources',
        args: { kind: 'pods', unhealthyOnly: true },
        shows: ['recommendations-', 'Pending'],
      },
    ],
  },
  {
    scenario: 'unmatched-node-selector',
    calls: [
      {
        server: 'kubernetes',
        tool: 'describe_workload',
        args: { name: 'inventory' },
        shows: ['nodeSelector node-pool=highmem'],
      },
    ],
  },
  {
    scenario: 'resource-quota-exceeded',
    calls: [
      { server: 'kubernetes', tool: 'describe_workload', args: { name: 'events-ingest' }, shows: ['FailedCreate'] },
    ],
  },
  {
    scenario: 'missing-storage-class',
    calls: [
      {
        server: 'kubernetes',
        tool: 'describe_workload',
        args: { name: 'ledger' },
        shows: ['PersistentVolumeClaim ledger-journal is Pending', 'storageClassName fast-ssd'],
      },
    ],
  },
  {
    scenario: 'service-selector-mismatch',
    calls: [
      {
        server: 'kubernetes',
        tool: 'check_service',
        args: { name: 'cart', namespace: 'shop' },
        shows: ['selector matches no pods', "service wants 'cart', pod has '<unset>'", '0 ready'],
      },
      {
        server: 'kubernetes',
        tool: 'get_resource',
        args: { kind: 'Service', name: 'cart', namespace: 'shop', section: 'spec' },
        shows: ['app.kubernetes.io/name: cart'],
      },
    ],
  },
]);
