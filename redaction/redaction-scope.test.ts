import { describe, expect, it } from 'vitest';
import {
  REDACTED,
  createRedactionScope,
  createRedactionScopes,
  redactText,
  redactValue,
  withRedactionScope,
} from './index.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

const deployment = (value: string) => ({
  kind: 'Deployment',
  spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'DB_PASSWORD', value }] }] } } },
});

/** Issue 19: a value removed by its key, repeated later without one, was passed through. */
describe('redaction scopes: values removed by their key are replaced when they turn up bare', () => {
  it('replaces an env value seen in a Deployment when a later log line or event repeats it, bare or base64', () => {
    const scope = createRedactionScope();
    withRedactionScope(scope, () => {
      expect(JSON.stringify(redactValue(deployment('Env-Bare-Canary-41')))).not.toContain('Env-Bare-Canary-41');
      expect(redactText('connecting to db as app with Env-Bare-Canary-41 failed')).toBe(
        `connecting to db as app with ${REDACTED} failed`,
      );
      expect(redactText(`seeded cache from ${b64('Env-Bare-Canary-41')}`)).toBe(`seeded cache from ${REDACTED}`);
    });
    // Without the scope the bare value has no telling shape: the rules alone leave it.
    expect(redactText('connecting to db as app with Env-Bare-Canary-41 failed')).toContain('Env-Bare-Canary-41');
  });

  it("learns a Secret's data both as the base64 it is stored in and as the text it decodes to", () => {
    const secret = {
      kind: 'Secret',
      data: { password: b64('Data-Bare-Canary-52') },
      stringData: { url: 'S-Bare-63x' },
    };
    withRedactionScope(createRedactionScope(), () => {
      redactValue(secret);
      expect(redactText('login with Data-Bare-Canary-52 refused')).toBe(`login with ${REDACTED} refused`);
      expect(redactText(`value ${b64('Data-Bare-Canary-52')} in a dump`)).toBe(`value ${REDACTED} in a dump`);
      expect(redactText('dial S-Bare-63x')).toBe(`dial ${REDACTED}`);
    });
  });

  it('learns key=value finds of the text rules, and catches a repeat earlier in the same value', () => {
    withRedactionScope(createRedactionScope(), () => {
      expect(redactText('DB_PASSWORD=Kv-Bare-Canary-74 then retry with Kv-Bare-Canary-74')).not.toContain('Kv-Bare');
    });
    // Within one value, even without a scope: the log line stands before the env entry.
    const value = { logs: ['retrying with Own-Bare-Canary-85'], ...deployment('Own-Bare-Canary-85') };
    expect(JSON.stringify(redactValue(value))).not.toContain('Own-Bare-Canary-85');
  });

  it('does not learn plain words or numbers that happen to stand under a secret-looking key', () => {
    const scope = createRedactionScope();
    withRedactionScope(scope, () => {
      redactValue({
        env: [
          { name: 'AUTH_MODE', value: 'enabled' },
          { name: 'TOKEN_PORT', value: '8443' },
        ],
      });
      expect(redactText('feature enabled on port 8443')).toBe('feature enabled on port 8443');
    });
    expect(scope.size).toBe(0);
  });

  it('keeps one scope per trace, drops the least recently used past the limit and idle ones', () => {
    let clock = 0;
    const scopes = createRedactionScopes({ maxScopes: 2, idleMs: 1_000, now: () => clock });
    const first = scopes.scopeFor('trace-a');
    withRedactionScope(first, () => redactValue(deployment('Trace-Bare-Canary-96')));
    expect(scopes.scopeFor('trace-a')).toBe(first);
    scopes.scopeFor('trace-b');
    scopes.scopeFor('trace-c');
    expect(scopes.scopeFor('trace-a')).not.toBe(first);
    const late = scopes.scopeFor('trace-d');
    clock = 5_000;
    expect(scopes.scopeFor('trace-d')).not.toBe(late);
  });
});
