import { describe, expect, it } from 'vitest';
import type { GatheredSection } from '../evidence/section.js';
import { readToolResult } from '../tool-results/read-result.js';
import type { ReadTool } from '../tool-results/result-schemas.js';
import { admissionFacts } from './facts-admission.js';

function section(tool: ReadTool, structured: unknown): GatheredSection {
  return {
    tool,
    read: readToolResult(tool, { text: 'not read', structured, isError: false }, 'prod-eu'),
    instance: 'prod-eu',
    target: 'deployment/billing/ledger',
    text: '',
    isError: false,
  } as GatheredSection;
}

/** describe_workload of billing/ledger with containers `ledger` and `proxy`, holding the given admission messages. */
function workload(problem: string, containers = [{ name: 'ledger' }, { name: 'proxy' }]): GatheredSection {
  return section('describe_workload', {
    kind: 'Deployment',
    namespace: 'billing',
    name: 'ledger',
    containers,
    rollout: {
      summary: '3/3 ready, 0 updated',
      isHealthy: false,
      problems: [`ReplicaFailure=True FailedCreate: ${problem}`],
    },
    pods: [],
    warningEvents: [],
  });
}

/** get_rollout_history whose current revision changed the given pod-template fields. */
function history(fieldChanges: Array<{ path: string; from?: string; to?: string }>): GatheredSection {
  return section('get_rollout_history', {
    kind: 'Deployment',
    namespace: 'billing',
    name: 'ledger',
    revisions: [
      { revision: 4, isCurrent: true, changes: ['(text not read)'], fieldChanges },
      { revision: 3, isCurrent: false, changes: [] },
    ],
  });
}

describe('fix facts of admission denials', () => {
  it('names the quota, the field it requires, the container and what the field held before the revision', () => {
    const facts = admissionFacts(
      [
        workload(
          'pods "ledger-6d-q" is forbidden: failed quota: billing-limits: must specify limits.memory for: proxy',
        ),
        history([{ path: 'containers[proxy].resources.limits.memory', from: '128Mi' }]),
      ],
      'c0ffee1',
    );
    expect(facts).toEqual({
      quota: 'ResourceQuota billing-limits',
      quotaResource: 'limits.memory',
      container: 'proxy',
      previousValue: '128Mi before revision c0ffee1',
    });
  });

  it('gives the requested, used and limited amounts of an exceeded quota', () => {
    const facts = admissionFacts(
      [
        workload(
          'pods "ledger-6d-q" is forbidden: exceeded quota: billing-compute, requested: requests.cpu=2, ' +
            'used: requests.cpu=5, limited: requests.cpu=6',
          [{ name: 'ledger' }],
        ),
        history([{ path: 'containers[ledger].resources.requests.cpu', from: '500m', to: '2' }]),
      ],
      undefined,
    );
    expect(facts).toMatchObject({
      quota: 'ResourceQuota billing-compute',
      quotaResource: 'requests.cpu',
      quotaRequested: '2',
      quotaUsed: '5',
      quotaLimit: '6',
      container: 'ledger',
      previousValue: '500m before rollout revision 4',
    });
  });

  it('finds the container whose value breaks the LimitRange among several, and the bound', () => {
    const facts = admissionFacts(
      [
        workload('pods "ledger-6d-q" is forbidden: minimum cpu usage per Container is 100m, but request is 20m', [
          { name: 'ledger', requests: { cpu: '250m' } } as never,
          { name: 'proxy', requests: { cpu: '20m' } } as never,
        ]),
      ],
      undefined,
    );
    expect(facts).toEqual({
      limitRangeResource: 'cpu',
      limitRangeField: 'request',
      limitRangeMin: '100m',
      limitRangeActual: '20m',
      container: 'proxy',
    });
  });

  it('reads the policy, rule, failed field and container of a Kyverno denial in the app sync result', () => {
    const application = section('get_application', {
      name: 'ledger',
      operation: {
        phase: 'Failed',
        message:
          'one or more objects failed to apply, reason: admission webhook "validate.kyverno.svc-fail" denied the ' +
          'request: resource Deployment/billing/ledger was blocked due to the following policies ' +
          "require-probes: autogen-check-liveness: 'validation error: Containers need a livenessProbe. rule " +
          "autogen-check-liveness failed at path /spec/template/spec/containers/1/livenessProbe/'",
      },
    });
    const facts = admissionFacts([workload('none', [{ name: 'ledger' }, { name: 'proxy' }]), application], undefined);
    expect(facts).toEqual({
      policyTarget: 'Deployment billing/ledger',
      policy: 'require-probes',
      policyRule: 'check-liveness',
      policyMessage: 'Containers need a livenessProbe',
      policyField: 'livenessProbe',
      container: 'proxy',
    });
  });

  it('names no single rule when several policies fail at once, and nothing without a denial', () => {
    const violations = section('list_policy_violations', {
      groups: [
        {
          policy: 'require-team',
          rule: 'check-team',
          result: 'fail',
          message: 'team label',
          resources: ['Deployment a/b'],
        },
        { policy: 'require-limits', rule: 'limits', result: 'fail', message: 'limits', resources: ['Deployment a/b'] },
      ],
    });
    expect(admissionFacts([violations], undefined)).toEqual({});
    expect(admissionFacts([workload('pods "x" is forbidden: something else')], undefined)).toEqual({});
  });
});
