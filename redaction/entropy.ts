import type { SecretRange } from './preset-rules.js';

/** Opaque runs: base64, base64url and the separators tokens use. */
const OPAQUE = /[A-Za-z0-9+/_=-]{12,}/g;
/** Words near a value that make an opaque string suspicious (a key, an auth header, a signature). */
const SUSPICIOUS_CONTEXT =
  /(key|auth|sig|cred|pass|pwd|secret|token|bearer|cookie|session|private|signature|hmac|salt|seed|nonce)[^\n]{0,24}$/i;
/** Evidence that must survive: git SHAs, digests and UUIDs are hex; pod names are lowercase with dashes. */
const HEX = /^[0-9a-f-]+$/i;
/** A character no Kubernetes name or hex string has. */
const NOT_NAME_LIKE = /[A-Z+/_=]/;
const DIGEST_PREFIX = /(sha\d+|md5|digest|commit|revision|sha)[:=@\s]*$/i;

/** Shannon entropy of a string, in bits per character. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function hasMixedClasses(value: string): boolean {
  return /[a-z]/.test(value) && /[A-Z]/.test(value) && /[0-9]/.test(value);
}

/**
 * Whether a base64 run decodes to `user:password` (a Basic credential or a docker `auth` entry
 * written without its scheme).
 */
function decodesToCredential(value: string): boolean {
  if (value.length < 8 || value.length % 4 === 1 || !/^[A-Za-z0-9+/]+=*$/.test(value)) return false;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  return /^[\x21-\x39\x3b-\x7e]{1,64}:[\x20-\x7e]{3,128}$/.test(decoded);
}

/**
 * Long opaque strings that look like keys: a run of 20+ characters right after a suspicious word
 * with entropy >= 3.5 bits, or a run of 40+ anywhere with all three character classes and
 * entropy >= 4.2 bits; hex (SHAs, digests, UUIDs) is never touched. Base64 that decodes to
 * `user:password` is a credential wherever it stands.
 */
export function entropySecretRanges(text: string): SecretRange[] {
  const found: SecretRange[] = [];
  for (const match of text.matchAll(OPAQUE)) {
    // Only lowercase, digits and dashes: a Kubernetes name or hex, skipped below anyway (the bulk of a large output).
    if (!NOT_NAME_LIKE.test(match[0])) continue;
    const value = match[0].replace(/^[-_=]+|[-_]+$/g, '');
    const start = (match.index ?? 0) + match[0].indexOf(value);
    const range: SecretRange = [start, start + value.length];
    // Kubernetes names (DNS-1123: lowercase, digits, dashes), SHAs and digests are evidence, and the cheap checks
    // come first: most runs of a large output end here.
    if (HEX.test(value) || /^[a-z0-9.-]+$/.test(value)) continue;
    if (decodesToCredential(value)) {
      found.push(range);
      continue;
    }
    if (value.length < 20 || !/[0-9]/.test(value)) continue;
    // The shape checks before the entropy (a Map over every character): most runs fail both.
    const isLongMixed = value.length >= 40 && hasMixedClasses(value);
    const before = text.slice(Math.max(0, start - 48), start);
    // The suspicious word must end within 24 characters of the value: the last 33 hold every match.
    const isSuspiciousContext = /[A-Za-z]/.test(value) && SUSPICIOUS_CONTEXT.test(before.slice(-33));
    if ((!isLongMixed && !isSuspiciousContext) || DIGEST_PREFIX.test(before)) continue;
    const entropy = shannonEntropy(value);
    if ((isSuspiciousContext && entropy >= 3.5) || (isLongMixed && entropy >= 4.2)) found.push(range);
  }
  return found;
}
