import type { SecretRange } from './preset-rules.js';

/** One extra pattern and the words it cannot match without (lowercase; any one of them must be in the text). */
interface TokenPattern {
  pattern: RegExp;
  /** The prefilter: when none of these is in the lowercased text, the pattern cannot match and is skipped. */
  keywords: readonly string[];
  /** The value is a secret because of the key before it, not its shape: a scope learns it (see redaction-scope). */
  isKeyed?: boolean;
}

const rule = (pattern: RegExp, keywords: readonly string[], isKeyed = false): TokenPattern => ({
  pattern,
  keywords,
  ...(isKeyed ? { isKeyed } : {}),
});

/**
 * Formats secretlint's recommended preset does not cover, and the shapes secrets take in
 * Kubernetes output: flags, env assignments, prose in events, YAML env entries. Each pattern's
 * `secret` group (or the whole match when it has none) is the part that is replaced, so the key
 * or flag that says what was there stays readable. Each names the literal words it needs, so a
 * text without any of them skips the regex (`redaction/prefilter.test.ts` checks that skipping
 * never changes a result).
 */
const PATTERNS: readonly TokenPattern[] = [
  // Stripe live and test keys (secret, restricted), Google API keys, GitLab, Hugging Face, Twilio, Mailgun.
  rule(/\b(?<secret>(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,})/g, ['_live_', '_test_']),
  rule(/\b(?<secret>AIza[0-9A-Za-z_-]{35})/g, ['aiza']),
  rule(/\b(?<secret>glpat-[A-Za-z0-9_-]{20,})/g, ['glpat-']),
  rule(/\b(?<secret>hf_[A-Za-z0-9]{30,})/g, ['hf_']),
  rule(/\b(?<secret>SK[0-9a-f]{32})\b/g, ['sk']),
  rule(/\b(?<secret>key-[0-9a-f]{32})\b/g, ['key-']),
  // Slack tokens and webhooks in shapes the preset's stricter patterns miss.
  rule(/\b(?<secret>xox[abposre]-[A-Za-z0-9-]{10,})/g, ['xox']),
  rule(/\b(?<secret>xapp-\d-[A-Za-z0-9-]{10,})/g, ['xapp-']),
  rule(/https:\/\/hooks\.slack\.com\/(?<secret>(?:services|workflows|triggers)\/[A-Za-z0-9/_-]+)/g, [
    'hooks.slack.com',
  ]),
  // Other well-known prefixes: GitHub fine-grained, Anthropic and OpenAI style keys, AWS key ids, Age, Vault tokens.
  rule(/\b(?<secret>github_pat_[A-Za-z0-9_]{30,})/g, ['github_pat_']),
  rule(/\b(?<secret>gh[pousr]_[A-Za-z0-9]{30,})/g, ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_']),
  rule(/\b(?<secret>sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,})/g, ['sk-']),
  rule(/\b(?<secret>(?:AKIA|ASIA)[A-Z0-9]{16})\b/g, ['akia', 'asia']),
  rule(/\b(?<secret>AGE-SECRET-KEY-1[0-9A-Z]{50,})/g, ['age-secret-key-1']),
  rule(/\b(?<secret>hv[sb]\.[A-Za-z0-9_-]{20,})/g, ['hvs.', 'hvb.']),
  rule(/\b(?<secret>npm_[A-Za-z0-9]{30,})/g, ['npm_']),
  // JWTs (service account tokens, OIDC id tokens).
  rule(/\b(?<secret>eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})/g, ['eyj']),
  // Private keys of any kind, PGP blocks.
  rule(
    /(?<secret>-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----|$))/g,
    ['private key'],
  ),
  // Azure storage connection strings and SAS signatures.
  rule(/\b(?:AccountKey|SharedAccessKey|SharedAccessSignature)\s*=\s*(?<secret>[^;\s"']+)/gi, [
    'accountkey',
    'sharedaccesskey',
    'sharedaccesssignature',
  ]),
  rule(/[?&]sig=(?<secret>[A-Za-z0-9%+/=]{16,})/gi, ['sig=']),
  // HTTP authorisation schemes.
  rule(/\b(?:Bearer|Basic|Token|Digest)\s+(?<secret>[A-Za-z0-9._~+/=-]{12,})/gi, [
    'bearer',
    'basic',
    'token',
    'digest',
  ]),
  // Credentials inside URLs (scheme://user:password@host).
  // Starts at `://`, not at every letter that could begin a scheme (that backtracked over every word).
  rule(/:\/\/[^/\s:@]*:(?<secret>[^@\s/]+)@/g, ['://']),
  // Command-line flags: --password x, --password=x, --token x, -p=x is too ambiguous to match.
  rule(
    /--?(?:[a-z]+-)*(?:password|passwd|pass|token|secret|api-key|apikey|access-key|client-secret)(?:\s+|=)(?<secret>["']?[^\s"'-][^\s"']*)/gi,
    ['pass', 'token', 'secret', 'api-key', 'apikey', 'access-key'],
    true,
  ),
  // key=value and key: value pairs whose key names a secret (env assignments, ConfigMap lines, JSON, logfmt).
  // No key prefix in the pattern (DB_PASSWORD matches on PASSWORD): only the value is replaced, and a leading
  // `[\w.-]*` would backtrack at every word of a large output.
  rule(
    /(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|passphrase|auth)\b["']?[ \t]*[:=][ \t]*(?:"(?![<[]redacted)(?<quoted>[^"\n]+)"|'(?<single>[^']+)'|(?<secret>(?![<[]redacted)[^\s"',;&}{)]+))/gi,
    ['pass', 'pwd', 'secret', 'token', 'key', 'credential', 'auth'],
    true,
  ),
  // Prose in events and logs: "password hunter2", "password is hunter2", "with password: x".
  // Case-sensitive on purpose: the value must hold a digit, a capital or a symbol ("password authentication" stays).
  rule(
    /\b(?:[Pp]assword|PASSWORD|[Pp]asswd|[Pp]assphrase|pwd)(?:\s+(?:is|was|of|=))?\s+(?<secret>(?=[^\s]*[0-9A-Z!@#$%^&*_+=~])[^\s"',;]{4,})/g,
    ['pass', 'pwd'],
    true,
  ),
];

/**
 * Values under a YAML or JSON env entry whose `name:` looks secret, with `value:` on the next
 * line (the way Kubernetes prints env lists), e.g. `- name: DB_PASSWORD` / `  value: hunter2`.
 */
const ENV_ENTRY =
  /\bname["']?\s*[:=]\s*["']?(?<name>[A-Za-z0-9_.-]+)["']?\s*,?\s*(?:\r?\n[ \t-]*)?["']?value["']?\s*[:=]\s*(?:"(?<quoted>[^"\n]*)"|'(?<single>[^'\n]*)'|(?<secret>[^\s,}\n]+))/g;

/** Whether an environment-variable or map key names a secret (DB_PASSWORD, stripeApiKey, tls.key). */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const last = words.at(-1);
  // A reference to a secret (secretName, secretKeyRef, tokenTTL) is evidence, not a secret.
  if (last !== undefined && NOT_A_VALUE.has(last)) return false;
  const joined = words.join('');
  return words.some((word) => SECRET_WORDS.has(word)) || SECRET_PAIRS.some((pair) => joined.includes(pair));
}

const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'secret',
  'secrets',
  'token',
  'apikey',
  'credential',
  'credentials',
  'passphrase',
  'cookie',
  'privatekey',
  'accountkey',
  'dsn',
  'auth',
  'webhook',
  'signingkey',
]);
const SECRET_PAIRS = [
  'apikey',
  'accesskey',
  'privatekey',
  'clientsecret',
  'sessionid',
  'connectionstring',
  'accountkey',
];
const NOT_A_VALUE = new Set([
  'name',
  'names',
  'ref',
  'refs',
  'namespace',
  'type',
  'kind',
  'path',
  'file',
  'mount',
  'ttl',
  'expiry',
  'expires',
  'expiration',
  'length',
  'policy',
  'count',
  'enabled',
  'hint',
  'field',
  'selector',
  'provider',
  'store',
  'version',
  'rotation',
  'age',
]);

/** What the extra patterns found: every range, and the ones a scope may learn (secret by key, not by shape). */
export interface PatternScan {
  ranges: SecretRange[];
  keyed: SecretRange[];
}

/**
 * Ranges of `text` that the extra token patterns and the env-entry rule report. `lower` is the
 * text lowercased (shared with the preset's prefilter); with `isPrefiltered` false every regex
 * runs whatever the text holds (the reference the prefilter is tested against).
 */
export function scanPatterns(text: string, lower = text.toLowerCase(), isPrefiltered = true): PatternScan {
  const ranges: SecretRange[] = [];
  const keyed: SecretRange[] = [];
  for (const { pattern, keywords, isKeyed } of PATTERNS) {
    if (isPrefiltered && !keywords.some((keyword) => lower.includes(keyword))) continue;
    for (const match of text.matchAll(pattern)) {
      if (isPlainWordValue(match.groups?.secret)) continue;
      const range = groupRange(match);
      if (range[1] <= range[0]) continue;
      ranges.push(range);
      if (isKeyed) keyed.push(range);
    }
  }
  if (!isPrefiltered || lower.includes('value')) {
    for (const match of text.matchAll(ENV_ENTRY)) {
      if (!isSecretName(match.groups?.name ?? '')) continue;
      const range = groupRange(match);
      if (range[1] <= range[0]) continue;
      ranges.push(range);
      keyed.push(range);
    }
  }
  return { ranges, keyed };
}

/** Ranges of `text` that the extra token patterns and the env-entry rule report. */
export function patternSecretRanges(text: string): SecretRange[] {
  return scanPatterns(text).ranges;
}

/**
 * Words that follow a secret-named key in error messages and status text, not credentials
 * ("token: unexpected status", "password: required", "auth: none"), and short status numbers
 * ("token: 401"). Only bare values are spared: a quoted value is always treated as a secret.
 */
const PLAIN_VALUES = new Set([
  'unexpected',
  'invalid',
  'expired',
  'missing',
  'required',
  'denied',
  'refused',
  'failed',
  'none',
  'null',
  'nil',
  'empty',
  'true',
  'false',
  'unknown',
  'unauthorized',
  'forbidden',
  'not',
  'no',
]);

function isPlainWordValue(value: string | undefined): boolean {
  if (value === undefined) return false;
  return PLAIN_VALUES.has(value.toLowerCase()) || /^\d{1,3}$/.test(value);
}

/** The range of the match's secret group (quoted, single-quoted or bare), or of the whole match. */
function groupRange(match: RegExpExecArray | RegExpMatchArray): SecretRange {
  const start = match.index ?? 0;
  const whole = match[0];
  for (const name of ['quoted', 'single', 'secret'] as const) {
    const value = match.groups?.[name];
    if (value === undefined) continue;
    const offset = whole.lastIndexOf(value);
    return [start + offset, start + offset + value.length];
  }
  return [start, start + whole.length];
}
