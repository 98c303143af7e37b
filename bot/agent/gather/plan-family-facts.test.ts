import { describe, expect, it } from 'vitest';
import type { Entities } from '../entities.js';
import { describeWorkloadResult } from '../tool-results/index.js';
import { planFactsRound } from './plan-facts-round.js';
import { planServicesRound } from './plan-services-round.js';

const entities: Entities = {
  related: [],
  alternatives: [],
  unreachable: [],
  workload: { kind: 'Deployment', name: 'inventory', namespace: 'shop', cluster: 'prod-eu', isHealthy: false },
};
const event = (reason: string, message: string) => ({
  type: 'Warning',
  reason,
  message,
  count: 3,
  object: { kind: 'Pod', name: 'inventory-6f7-abcde' },
});

describe('look-ups for the facts of scheduling and connectivity fixes', () => {
  it('reads the nodes and the pod template when no node matches the pods’ selector', () => {
    const workload = describeWorkloadResult.parse({
      kind: 'Deployment',
      namespace: 'shop',
      name: 'inventory',
      pods: [],
      warningEvents: [
        event('FailedScheduling', "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."),
      ],
    });
    const calls = planFactsRound(entities, workload, { kubernetesInstance: 'prod-eu' });
    expect(calls.map((call) => `${call.tool} ${call.target}`)).toEqual([
      'list_resources nodes',
      'get_resource deployment/shop/inventory',
    ]);
    expect(calls[0]?.args).toEqual({ kind: 'Node', limit: 50, instance: 'prod-eu' });
  });

  it('does not read the nodes when the scheduler says the nodes are full', () => {
    const workload = describeWorkloadResult.parse({
      kind: 'Deployment',
      namespace: 'shop',
      name: 'inventory',
      pods: [],
      warningEvents: [event('FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu.')],
    });
    expect(planFactsRound(entities, workload, { kubernetesInstance: 'prod-eu' })).toEqual([]);
  });

  it('lists every Service when a name did not resolve, and checks a Service whose calls time out', () => {
    const lines = [
      'ERROR Get "http://stock.warehouse.svc.cluster.local:80/": dial tcp: lookup stock.warehouse.svc.cluster.local ' +
        'on 10.96.0.10:53: no such host',
      'ERROR Get "http://points-api.rewards.svc.cluster.local:80/": dial tcp 10.96.4.2:80: i/o timeout',
    ];
    const calls = planServicesRound(lines, { namespace: 'warehouse', kubernetesInstance: 'prod-us' });
    expect(calls.map((call) => `${call.tool} ${call.target}`)).toEqual([
      'list_resources services',
      'check_service service/warehouse/stock',
      'check_service service/rewards/points-api',
    ]);
    expect(calls[0]?.args).toEqual({ kind: 'Service', limit: 200, instance: 'prod-us' });
  });
});
