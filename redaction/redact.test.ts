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
});
