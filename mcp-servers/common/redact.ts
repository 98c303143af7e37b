/**
 * Redaction of credential-looking text. Applied to every log line and Secret-adjacent output we
 * return, because pod logs and event messages routinely contain bearer tokens and passwords.
 */
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // Authorization headers and bearer tokens.
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]'],
  // JWTs.
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, '[redacted-jwt]'],
  // Well-known token prefixes (GitHub, Slack, AWS access keys, Anthropic/OpenAI style keys).
  [
    /\b(gh[pousr]_[A-Za-z0-9]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|sk-[A-Za-z0-9_-]{20,})\b/g,
    '[redacted-token]',
  ],
  // key=value / key: value pairs whose key names a secret.
  [
    /\b([A-Za-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential)[A-Za-z0-9_.-]*)(["']?\s*[:=]\s*["']?)(?![<[]redacted)([^\s"',;&]{3,})/gi,
    '$1$2[redacted]',
  ],
  // Credentials inside URLs (scheme://user:password@host).
  [/([a-z][a-z0-9+.-]*:\/\/[^/\s:@]+):[^@\s/]+@/gi, '$1:[redacted]@'],
];

/** Replaces token-like substrings with `[redacted…]` markers. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
  return result;
}
