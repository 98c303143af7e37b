import { describe, expect, it } from 'vitest';
import { REDACTED, redactValue, redactText } from './index.js';

describe('secret redaction', () => {
  it('blanks values of secret-named keys at any depth', () => {
    const redacted = redactValue({
      name: 'checkout',
      auth: { token: 'abc', apiKey: 'k', nested: [{ password: 'p' }] },
    });
    expect(redacted).toEqual({
      name: 'checkout',
      auth: { token: REDACTED, apiKey: REDACTED, nested: [{ password: REDACTED }] },
    });
  });

  it.each([
    ['slack bot token', 'token xoxb-1234567890-abcdefghij in config'],
    ['github token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['aws key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['anthropic key', 'sk-ant-api03-abcdefghijklmnopqrstuvwx'],
    ['service account jwt', 'eyJhbGciOiJSUzI1NiIsImtpZCI6IiJ9.eyJpc3MiOiJrdWJlcm5ldGVzIn0.c2lnbmF0dXJlc2lnbmF0dXJl'],
    ['bearer header', 'Authorization: Bearer abcdef0123456789xyz'],
    ['password assignment', 'DB_PASSWORD=hunter2hunter2'],
    ['url credentials', 'postgres://app:s3cretpass@db:5432/app'],
    ['private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----'],
  ])('removes a %s from text', (_kind, text) => {
    const redacted = redactText(text);
    expect(redacted).toContain(REDACTED);
    for (const secret of [
      'xoxb-1234567890',
      'ghp_abc',
      'AKIAIOSFODNN7',
      'sk-ant-api03',
      'eyJpc3Mi',
      'abcdef0123456789xyz',
      'hunter2',
      's3cretpass',
      'MIIEow',
    ]) {
      expect(redacted).not.toContain(secret);
    }
  });

  it('leaves ordinary troubleshooting text alone', () => {
    const line = 'Back-off pulling image "registry.example.com/shop/checkout:1.4.3": not found';
    expect(redactText(line)).toBe(line);
  });

  it('redacts a Secret inside kubectl last-applied annotations, and env entries by name', () => {
    const lastApplied = JSON.stringify({ kind: 'Secret', metadata: { name: 'db' }, data: { url: 'cG9zdGdyZXM=' } });
    const redacted = redactValue({
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } },
      env: [
        { name: 'DB_PASSWORD', value: 'plain-value-1' },
        { name: 'LOG_LEVEL', value: 'debug' },
      ],
      usage: { inputTokens: 1200 },
    });
    expect(JSON.stringify(redacted)).not.toContain('cG9zdGdyZXM=');
    expect(redacted.env).toEqual([
      { name: 'DB_PASSWORD', value: REDACTED },
      { name: 'LOG_LEVEL', value: 'debug' },
    ]);
    expect(redacted.usage.inputTokens).toBe(1200);
  });

  it('keeps evidence: SHAs, digests, pod names and "password authentication failed"', () => {
    for (const line of [
      'commit 3f2a9c1d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9c deployed',
      'image: ghcr.io/shop/payments@sha256:3f2a9c1d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9c3f2a9c1d4e5b6a7c8d9e0f1a',
      'pod payments-api-7d9f8b6c5-x2k4p in namespace payments',
      'FATAL: password authentication failed for user "app"',
      'secretKeyRef: { name: payments-db, key: password }',
    ]) {
      expect(redactText(line)).toBe(line);
    }
  });

  it('keeps status words and numbers after a secret-named key in error text, but not a credential', () => {
    const pull =
      'failed to fetch anonymous token: unexpected status from GET request to https://registry.example.com/token: ' +
      '401 Unauthorized';
    expect(redactText(pull)).toBe(pull);
    expect(redactText('password: required')).toBe('password: required');
    expect(redactText('token: s3cr3t-Value-99')).toBe(`token: ${REDACTED}`);
    expect(redactText('password: "unexpected"')).toBe(`password: "${REDACTED}"`);
  });
});
