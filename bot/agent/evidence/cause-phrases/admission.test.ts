import { describe, expect, it } from 'vitest';
import { parseKyvernoDenial, parseLimitRangeBreaches, parseQuotaMissingField } from './admission-messages.js';
import { ADMISSION_PHRASERS } from './admission.js';
import { causePhrase } from './index.js';

describe('admission denials as a sentence of cause', () => {
  it('says which quota a pod would exceed, with what it asks, what is used and the limit', () => {
    const message =
      'Error creating: pods "ledger-5c9d-x2" is forbidden: exceeded quota: finance-compute, ' +
      'requested: limits.cpu=1500m,requests.cpu=1, used: limits.cpu=3,requests.cpu=2500m, ' +
      'limited: limits.cpu=4,requests.cpu=3';
    expect(causePhrase(message)).toBe(
      'new pods exceeded quota finance-compute: each asks for limits.cpu 1500m while 3 of its 4 are already used; ' +
        'each asks for requests.cpu 1 while 2500m of its 3 are already used',
    );
  });

  it('counts objects as objects: a full pods quota says how many exist', () => {
    const message =
      'ReplicaFailure=True FailedCreate: pods "worker-7f-abc" is forbidden: exceeded quota: batch-quota, ' +
      'requested: pods=1, used: pods=12, limited: pods=12';
    expect(causePhrase(message)).toBe('new pods exceeded quota batch-quota: 12 of the 12 pods it allows already exist');
  });

  it('names the fields a quota requires and the containers that lack them, in both forms Kubernetes writes', () => {
    expect(causePhrase('pods "a-1" is forbidden: failed quota: team-limits: must specify limits.memory for: api')).toBe(
      'quota team-limits refuses new pods: they must specify limits.memory (container api sets none)',
    );
    expect(parseQuotaMissingField('failed quota: q1: must specify limits.cpu,requests.memory')).toEqual({
      quota: 'q1',
      missing: [
        { resource: 'limits.cpu', containers: [] },
        { resource: 'requests.memory', containers: [] },
      ],
    });
    expect(
      parseQuotaMissingField('failed quota: q2: must specify limits.cpu for: api,sidecar; limits.memory for: api')
        ?.missing,
    ).toEqual([
      { resource: 'limits.cpu', containers: ['api', 'sidecar'] },
      { resource: 'limits.memory', containers: ['api'] },
    ]);
  });

  it("states a LimitRange breach with the pod's value and the bound, for maximum, minimum and ratio", () => {
    expect(causePhrase('pods "r-1" is forbidden: maximum cpu usage per Container is 1500m, but limit is 3')).toBe(
      'the LimitRange refuses new pods: the cpu limit 3 of a container is over its maximum cpu of 1500m per Container',
    );
    const several =
      'pods "r-2" is forbidden: [minimum memory usage per Pod is 128Mi, but request is 64Mi, ' +
      'maximum ephemeral-storage usage per Container is 1Gi.  No limit is specified, ' +
      'cpu max limit to request ratio per Container is 4, but provided ratio is 8.000000]';
    expect(parseLimitRangeBreaches(several)).toEqual([
      { bound: 'minimum', resource: 'memory', scope: 'Pod', allowed: '128Mi', field: 'request', actual: '64Mi' },
      { bound: 'maximum', resource: 'ephemeral-storage', scope: 'Container', allowed: '1Gi', field: 'limit' },
      { bound: 'ratio', resource: 'cpu', scope: 'Container', allowed: '4', field: 'limit', actual: '8' },
    ]);
    expect(causePhrase(several)).toContain('the memory request 64Mi of a pod is under its minimum memory of 128Mi');
  });

  it('names the Kyverno policy, rule, resource and failed field of a denial inside an Argo CD sync message', () => {
    const message =
      'Sync operation to 9f1c failed: one or more objects failed to apply, reason: admission webhook ' +
      '"validate.kyverno.svc-fail" denied the request: resource Deployment/media/encoder was blocked due to the ' +
      "following policies disallow-privileged: autogen-no-privileged: 'validation error: Privileged mode is not " +
      'allowed. rule autogen-no-privileged failed at path ' +
      "/spec/template/spec/containers/1/securityContext/privileged/'";
    expect(causePhrase(message)).toBe(
      'Kyverno denied Deployment media/encoder: policy disallow-privileged (rule autogen-no-privileged): ' +
        'Privileged mode is not allowed (at spec.template.spec.containers[1].securityContext.privileged)',
    );
  });

  it('reads the multi-line denial form, one failure per policy and rule', () => {
    const message =
      'admission webhook "mutate.kyverno.svc-fail" denied the request: \n\nresource Pod/shop/web-1 was blocked ' +
      "due to the following policies\n\nrequire-labels:\n  check-team: 'validation error: label team is required. " +
      "rule check-team failed at path /metadata/labels/team/'\nrequire-probes:\n  check-liveness: 'validation " +
      "error: livenessProbe is required. rule check-liveness failed at path /spec/containers/0/livenessProbe/'";
    expect(parseKyvernoDenial(message)).toEqual({
      resource: 'Pod shop/web-1',
      failures: [
        {
          policy: 'require-labels',
          rule: 'check-team',
          message: 'label team is required',
          path: 'metadata.labels.team',
        },
        {
          policy: 'require-probes',
          rule: 'check-liveness',
          message: 'livenessProbe is required',
          path: 'spec.containers[0].livenessProbe',
        },
      ],
    });
  });

  it("reads Kyverno's policy result message, and leaves messages of other families alone", () => {
    expect(causePhrase('policy require-owner/check-owner fail: validation error: owner label missing.')).toBe(
      'fails Kyverno policy require-owner (rule check-owner): owner label missing',
    );
    expect(causePhrase('Back-off restarting failed container api in pod api-1_shop')).toBeUndefined();
    const admissionOnly = (message: string) => ADMISSION_PHRASERS.map((phrase) => phrase(message)).find(Boolean);
    expect(admissionOnly('0/3 nodes are available: 3 Insufficient memory.')).toBeUndefined();
  });
});
