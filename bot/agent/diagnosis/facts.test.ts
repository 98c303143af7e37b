import { describe, expect, it } from 'vitest';
import { missingSettingOf } from './facts.js';

describe('the setting an app reports missing', () => {
  it('reads the environment-variable-like name from the line that says it is required, missing or not set', () => {
    expect(missingSettingOf(['Error: SMTP_HOST is required', '    at loadConfig (/app/dist/config.js:14:11)'])).toBe(
      'SMTP_HOST',
    );
    expect(missingSettingOf(['{"level":"fatal","msg":"config: required key PAYMENTS_DB_URL missing value"}'])).toBe(
      'PAYMENTS_DB_URL',
    );
    expect(missingSettingOf(['reconcile: LEDGER_DSN not set, aborting'])).toBe('LEDGER_DSN');
  });

  it('finds nothing in lines that name no setting or do not say one is missing', () => {
    expect(missingSettingOf(['listening on :8080', 'GET /healthz 200'])).toBeUndefined();
    expect(missingSettingOf(['HTTP_PROXY configured, starting'])).toBeUndefined();
    expect(missingSettingOf(['required file not found: /etc/app/config.yaml'])).toBeUndefined();
  });
});
