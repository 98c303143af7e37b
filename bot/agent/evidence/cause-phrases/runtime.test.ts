import { describe, expect, it } from 'vitest';
import { causePhrase } from './index.js';
import { RUNTIME_PHRASERS } from './runtime.js';

/** The first runtime phraser's sentence for a message, as the registry would give it. */
function runtimePhrase(message: string): string | undefined {
  for (const phrase of RUNTIME_PHRASERS) {
    const sentence = phrase(message);
    if (sentence !== undefined) return sentence;
  }
  return undefined;
}

describe('runtime cause phrases', () => {
  it('says a binary that fails with exec format error is built for another CPU architecture', () => {
    const sentence = runtimePhrase('exec /usr/local/bin/pdf-render: exec format error');
    expect(sentence).toContain('the binary /usr/local/bin/pdf-render cannot run');
    expect(sentence).toContain('another CPU architecture');
    expect(sentence).toContain('exec format error');
  });

  it('names the file the app cannot open and the directory nothing provides it in', () => {
    const sentence = runtimePhrase(
      'FATAL: failed to load configuration: open /etc/tax/rates.yaml: no such file or directory',
    );
    expect(sentence).toContain('/etc/tax/rates.yaml: no such file or directory');
    expect(sentence).toContain('at /etc/tax)');
  });

  it('tells a command missing from the image apart from a missing data file', () => {
    const sentence = runtimePhrase('exec: "migrate": executable file not found in $PATH');
    expect(sentence).toMatch(/^the command migrate does not exist in the image/);
    expect(runtimePhrase('exec: "/app/run.sh": stat /app/run.sh: no such file or directory')).toMatch(
      /^the command \/app\/run\.sh does not exist/,
    );
  });

  it('names the ConfigMap and key of a CreateContainerConfigError', () => {
    expect(runtimePhrase("Error: couldn't find key REDIS_ADDR in ConfigMap shop/cart-api-settings")).toBe(
      "ConfigMap shop/cart-api-settings has no key REDIS_ADDR, which the pod's env references, so the container " +
        'cannot be created',
    );
  });

  it('names a ConfigMap or Secret that does not exist, keeping the words "not found"', () => {
    expect(runtimePhrase('MountVolume.SetUp failed for volume "cfg" : configmap "tax-rates" not found')).toBe(
      'the ConfigMap tax-rates that the pod references does not exist (configmap "tax-rates" not found)',
    );
    expect(runtimePhrase('Error: secret "db-creds" not found')).toContain('the Secret db-creds');
  });

  it('reads an Argo CD sync on a namespace that does not exist', () => {
    const sentence = runtimePhrase('Deployment/clickstream SyncFailed: namespaces "analytics" not found');
    expect(sentence).toContain('the namespace analytics does not exist in the destination cluster');
    expect(sentence).toContain('namespaces "analytics" not found');
  });

  it('reads a kind whose CRD is missing', () => {
    expect(runtimePhrase('no matches for kind "ServiceMonitor" in version "monitoring.coreos.com/v1"')).toContain(
      'the kind ServiceMonitor (monitoring.coreos.com/v1): its CRD is not installed',
    );
  });

  it('leaves messages of other families to their phrasers', () => {
    expect(runtimePhrase('Back-off pulling image "registry.example.com/shop/web:2.0"')).toBeUndefined();
    expect(runtimePhrase('0/3 nodes are available: 3 Insufficient cpu.')).toBeUndefined();
    expect(causePhrase('listening on :8080')).toBeUndefined();
  });
});
