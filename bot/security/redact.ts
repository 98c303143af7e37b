/**
 * Secret redaction applied before anything leaves the process for a model, a log or the audit
 * table. Two layers: keys that name a secret lose their value; token-shaped strings anywhere
 * are replaced. Conservative by design: a false positive costs a little context, a false
 * negative leaks a credential.
 */

export const REDACTED = '[redacted]';

const SECRET_KEY = /(pass(word|wd)?|secret|token|api[-_]?key|authori[sz]ation|credential|private[-_]?key|client[-_]?secret|cookie|session[-_]?id)$/i;

const SECRET_PATTERNS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, // Slack tokens
  /\bxapp-\d-[A-Za-z0-9-]{10,}/g, // Slack app-level tokens
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{30,}/g,
  /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, // AWS access key ids
  /\bsk-ant-[A-Za-z0-9_-]{20,}/g, // Anthropic keys
  /\bsk-[A-Za-z0-9]{32,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs (service account tokens)
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{12,}/gi,
  /\b(password|passwd|pwd|secret|token|api[-_]?key)(\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi,
  /(:\/\/[^:/\s@]+:)[^@\s/]+@/g, // credentials in URLs
];

/** Replaces token-shaped substrings of one string. */
export function redactText(text: string): string {
  let result = text;
  for (const pattern of SECRET_PATTERNS) {
    result = result.replace(pattern, (match, ...groups: unknown[]) => {
      if (pattern.source.startsWith('\\b(password')) return `${String(groups[0])}${String(groups[1])}${REDACTED}`;
      if (pattern.source.startsWith('(:\\/\\/')) return `${String(groups[0])}${REDACTED}@`;
      if (/^(Bearer|Basic)\s/i.test(match)) return `${match.split(/\s+/)[0] ?? ''} ${REDACTED}`;
      return REDACTED;
    });
  }
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
      out[key] = SECRET_KEY.test(key) && item !== null && typeof item !== 'object' ? REDACTED : redactValue(item, depth + 1);
    }
    return out;
  }
  return value;
}
