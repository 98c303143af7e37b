const REDACTED = '[redacted]';

/** Removes known secret values (upstream credentials) from anything that leaves the gateway. */
export interface SecretScrubber {
  text: (value: string) => string;
  /** Deep copy of a JSON-like value with every secret occurrence replaced; the same object when clean. */
  value: <T>(value: T) => T;
}

/**
 * Builds a scrubber over the given secret values. Upstream servers may echo what they were sent
 * (a token in an error message, a header dump); every result, error and log line the gateway
 * emits goes through this, so credentials it holds cannot reach callers or logs.
 */
export function createSecretScrubber(secrets: readonly (string | undefined)[]): SecretScrubber {
  // Very short values would redact ordinary words; real tokens are long.
  const values = [...new Set(secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length >= 8))].sort((a, b) => b.length - a.length);
  const text = (input: string): string => {
    let out = input;
    for (const secret of values) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
  const value = <T>(input: T): T => {
    if (values.length === 0 || input === undefined || input === null) return input;
    if (typeof input === 'string') return text(input) as T;
    if (typeof input !== 'object') return input;
    const json = JSON.stringify(input);
    const clean = text(json);
    // The secret may sit inside a JSON-escaped string; scrubbing the serialized form catches both.
    return clean === json ? input : (JSON.parse(clean) as T);
  };
  return { text, value };
}
