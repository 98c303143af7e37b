import { describe, expect, it } from 'vitest';
import { causePhrase } from './index.js';
import { claimChanges } from './scheduling.js';

describe('scheduling, storage, probe and connectivity cause phrases', () => {
  it('says why no node takes the pod, reason by reason, without the preemption tail', () => {
    const phrase = causePhrase(
      "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are " +
        'available: 3 Preemption is not helpful for scheduling.',
    );
    expect(phrase).toBe(
      'the pod cannot be scheduled on any of the 3 nodes: no node carries the labels its nodeSelector or node ' +
        'affinity asks for (3 node(s))',
    );
    expect(
      causePhrase(
        '0/4 nodes are available: 1 Insufficient cpu, 3 node(s) had untolerated taint {nvidia.com/gpu: true}.',
      ),
    ).toBe(
      'the pod cannot be scheduled on any of the 4 nodes: no node has room for its cpu requests: Insufficient cpu ' +
        '(1 node(s)); it tolerates no taint the nodes carry: untolerated taint {nvidia.com/gpu: true} (3 node(s))',
    );
  });

  it('names the StorageClass a claim asks for that does not exist', () => {
    expect(
      causePhrase(
        'failed to provision volume with StorageClass "gp3-encrypted": ' +
          'storageclass.storage.k8s.io "gp3-encrypted" not found',
      ),
    ).toBe(
      'the claim asks for StorageClass gp3-encrypted, which does not exist in the cluster (storageclass not found)',
    );
  });

  it('keeps the probe kind in Kubernetes words and says what the failure means', () => {
    expect(
      causePhrase(
        'Readiness probe failed: Get "http://10.244.1.7:9091/ready": dial tcp 10.244.1.7:9091: connect: connection refused',
      ),
    ).toBe('Readiness probe failed: nothing listens on port 9091 of the pod (connection refused)');
    expect(causePhrase('Liveness probe failed: Get "http://10.0.0.1:8080/healthz": context deadline exceeded')).toBe(
      "Liveness probe failed: the container did not answer on port 8080 (/healthz) within the probe's timeoutSeconds " +
        '(context deadline exceeded)',
    );
    expect(causePhrase('Readiness probe failed: HTTP probe failed with statuscode: 503')).toBe(
      'Readiness probe failed: the health endpoint answers HTTP 503',
    );
  });

  it('reads the dialer and resolver errors of an app log line', () => {
    expect(
      causePhrase(
        'ERROR request failed: Get "http://shipping.shop.svc.cluster.local:8080/": dial tcp: lookup ' +
          'shipping.shop.svc.cluster.local on 10.96.0.10:53: no such host',
      ),
    ).toBe('the hostname shipping.shop.svc.cluster.local the app calls resolves to no Service (no such host)');
    expect(
      causePhrase(
        'ERROR request failed: Get "http://points-api.rewards.svc.cluster.local:80/": dial tcp 10.96.4.2:80: i/o timeout',
      ),
    ).toContain(
      'calls to points-api.rewards.svc.cluster.local time out before a connection opens (dial tcp: i/o timeout)',
    );
  });

  it('leaves messages of other families to their phrasers', () => {
    expect(causePhrase('Back-off restarting failed container web in pod web-1')).toBeUndefined();
    expect(causePhrase('listening on :8080')).toBeUndefined();
  });
});

describe('a refused change to a bound claim', () => {
  it('names the claim and the StorageClass change the API server refused', () => {
    const message =
      'PersistentVolumeClaim "media-data" is invalid: spec: Forbidden: spec is immutable after creation except ' +
      'resources.requests and volumeAttributesClassName for bound claims\n  core.PersistentVolumeClaimSpec{\n' +
      '  \t... // 2 identical fields\n- \tStorageClassName: &"standard",\n+ \tStorageClassName: &"fast-ssd",\n  }';
    expect(causePhrase(message)).toBe(
      'the API server refuses the change to PersistentVolumeClaim media-data (storageClassName standard cannot ' +
        "become fast-ssd): a bound claim's spec is immutable after creation",
    );
    expect(claimChanges(message)).toEqual([{ field: 'storageClassName', from: 'standard', to: 'fast-ssd' }]);
  });
});
