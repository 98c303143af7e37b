import { createHash, timingSafeEqual } from 'node:crypto';
import type { CallerConfig, UpstreamConfig } from './config.js';
import { matchesAnyGlob, matchesGlob } from './patterns.js';

/** Hex SHA-256 of a bearer token, as written in the config's `tokenSha256`. */
export function sha256Hex(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Finds the caller a `Authorization: Bearer ...` header belongs to. The presented token is hashed
 * and compared with every configured hash in constant time (no early exit), so neither timing nor
 * the config reveal tokens. Returns undefined for a missing or unknown token.
 */
export function createCallerAuthenticator(
  callers: readonly CallerConfig[],
): (authorization: string | undefined) => CallerConfig | undefined {
  // Callers without a static token (OAuth only) are left out.
  const hashes = callers.flatMap((caller) =>
    caller.tokenSha256 ? [{ caller, hash: Buffer.from(caller.tokenSha256, 'hex') }] : [],
  );
  return (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) return undefined;
    const presented = createHash('sha256').update(match[1]).digest();
    let found: CallerConfig | undefined;
    for (const { caller, hash } of hashes) {
      if (timingSafeEqual(presented, hash) && found === undefined) found = caller;
    }
    return found;
  };
}

/** A label selector term: `key=value` or `key!=value`; `kind` and `instance` are implicit labels. */
function matchesSelector(selector: string, upstream: UpstreamConfig): boolean {
  const labels: Record<string, string> = { ...upstream.labels, kind: upstream.kind, instance: upstream.instance };
  return selector.split(',').every((term) => {
    const negated = term.includes('!=');
    const [key = '', value = ''] = term.split(negated ? '!=' : '=').map((part) => part.trim());
    const actual = labels[key];
    return negated
      ? actual === undefined || !matchesGlob(value, actual)
      : actual !== undefined && matchesGlob(value, actual);
  });
}

/** True when `allow.instances` is absent or one of its entries (name glob or label selector) matches. */
export function isInstanceAllowed(caller: CallerConfig, upstream: UpstreamConfig): boolean {
  const allowed = caller.allow.instances;
  if (allowed === undefined) return true;
  return allowed.some((entry) =>
    entry.includes('=') ? matchesSelector(entry, upstream) : matchesGlob(entry, upstream.instance),
  );
}

/** True when `allow.tools` is absent or one of its globs matches the gateway tool name. */
export function isToolAllowed(caller: CallerConfig, toolName: string): boolean {
  const allowed = caller.allow.tools;
  return allowed === undefined || matchesAnyGlob(allowed, toolName);
}
