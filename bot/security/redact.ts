/**
 * Secret redaction applied before anything leaves the process for a model, a log or the audit
 * table. Two layers: keys that name a secret lose their value; token-shaped strings anywhere
 * are replaced. Conservative by design: a false positive costs a little context, a false
 * negative leaks a credential.
 */

export const REDACTED = '[redacted]';

const SECRET_KEY =
  /(pass(word|wd)?|secret|token|api[-_]?key|authori[sz]ation|credential|private[-_]?key|client[-_]?secret|cookie|session[-_]?id)$/i;

type Replacement = (match: string, ...groups: string[]) => string;

const whole: Replacement = () => REDACTED;

/** Each pattern with how to rewrite a hit (keep the key or scheme, drop the secret). */
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, Replacement]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, whole],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, whole], // Slack tokens
  [/\bxapp-\d-[A-Za-z0-9-]{10,}/g, whole], // Slack app-level tokens
  [/\bgh[pousr]_[A-Za-z0-9]{30,}/g, whole], // GitHub tokens
  [/\bgithub_pat_[A-Za-z0-9_]{30,}/g, whole],
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, whole], // AWS access key ids
  [/\bsk-ant-[A-Za-z0-9_-]{20,}/g, whole], // Anthropic keys
  [/\bsk-[A-Za-z0-9]{32,}/g, whole],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, whole], // JWTs (service account tokens)
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{12,}/gi, (_match, scheme = '') => `${scheme} ${REDACTED}`],
  [
    /\b([A-Za-z_]*?(?:password|passwd|pwd|secret|token|api[-_]?key))(\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi,
    (_match, key = '', separator = '') => `${key}${separator}${REDACTED}`,
  ],
  [/(:\/\/[^:/\s@]+:)[^@\s/]+@/g, (_match, prefix = '') => `${prefix}${REDACTED}@`], // credentials in URLs
];

/** Replaces token-shaped substrings of one string. */
export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replace] of SECRET_PATTERNS) result = result.replace(pattern, replace);
  return result;
}

/** Deep-copies a JSON-like value with secret-named keys blanked and token-shaped strings replaced. */
export function redactSecrets<T>(value: T): T {
  return redactValue(value, 0) as T;
}

function redactValue(value: unknown, depth: number): unknown {
  if (depth > 32) return REDACTED;
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] =
        SECRET_KEY.test(key) && item !== null && typeof item !== 'object' ? REDACTED : redactValue(item, depth + 1);
    }
    return out;
  }
  return value;
}
