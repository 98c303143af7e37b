import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { sanitizeObject, summarizeResource } from './resource-summary.js';

const secret = {
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'Opaque',
  metadata: {
    name: 'payments-db',
    namespace: 'payments',
    managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update' }],
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"aHVudGVyMg=="}}',
      team: 'payments',
    },
  },
  data: { username: 'cGF5bWVudHM=', password: 'aHVudGVyMg==' },
  stringData: { url: 'postgres://payments:hunter2@db/payments' },
};

describe('Secret handling', () => {
  it('never returns Secret values: keys and sizes only, last-applied annotation and managedFields dropped', () => {
    const clean = sanitizeObject(secret);
    const text = JSON.stringify(clean);
    expect(text).not.toMatch(/aHVudGVyMg|cGF5bWVudHM|hunter2|managedFields|last-applied/);
    expect(clean.data).toEqual({ username: '<redacted: 8 bytes>', password: '<redacted: 7 bytes>' });
    expect(clean.metadata.annotations).toEqual({ team: 'payments' });
  });

  it('lists Secret keys without values in list_resources lines', () => {
    expect(summarizeResource(secret, new Date()).status).toMatch(/^Opaque keys=\[username,password\] age=/);
  });
});

describe('kubernetes loadConfig', () => {
  it('reads the cluster only from KUBECONFIG and KUBE_CONTEXT, with defaults', () => {
    expect(loadConfig({ KUBECONFIG: '/etc/sre-bot/kubeconfig', KUBE_CONTEXT: 'prod-eu' })).toEqual({
      kubeconfigPath: '/etc/sre-bot/kubeconfig',
      context: 'prod-eu',
      requestTimeoutMs: 15_000,
      logLevel: 'info',
      deniedResources: ['secrets'],
    });
  });
  it('names every bad variable at once', () => {
    expect(() => loadConfig({ KUBE_REQUEST_TIMEOUT_MS: 'soon', MCP_AUTH_TOKEN: 'short', LOG_LEVEL: 'loud' })).toThrow(
      /invalid kubernetes MCP server configuration: KUBE_REQUEST_TIMEOUT_MS must be a whole number; MCP_AUTH_TOKEN must be at least 16 characters; LOG_LEVEL/,
    );
  });
});
