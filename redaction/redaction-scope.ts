import { AsyncLocalStorage } from 'node:async_hooks';

/** What replaces every secret. */
export const REDACTED = '[redacted]';

/**
 * Secret values a rule removed by where they stood (a Secret's data, an env value or map key
 * whose name looks secret, `key=value` with a secret-looking key) within one request or
 * investigation. A value like that has no telling shape, so when it turns up again bare (a log
 * line, an event, an answer) no pattern knows it; the scope does, and every later redaction in
 * it replaces the value and its base64 forms.
 */
export interface RedactionScope {
  /** Remembers a removed value (too short or too plain to be told from ordinary words: ignored). */
  learn(value: string): void;
  /** `text` with every learned value (plain, base64, base64url, or decoded from base64) replaced. */
  redactLearned(text: string): string;
  /** How many spellings are remembered (values and their encodings). */
  readonly size: number;
}

/** Values shorter than this, or words of letters only shorter than {@link MIN_WORD_LENGTH}, are not learned. */
const MIN_LENGTH = 6;
const MIN_WORD_LENGTH = 10;
const MAX_LENGTH = 4_096;
/** A size marker or a redaction marker is not a secret. */
const MARKER = /^(?:<redacted: \d+ bytes>|\[redacted\])$/;

/** Whether a removed value is distinctive enough to look for elsewhere ("enabled", "8080", "true" are not). */
function isLearnable(value: string): boolean {
  if (value.length < MIN_LENGTH || value.length > MAX_LENGTH || MARKER.test(value)) return false;
  if (/^[A-Za-z]+$/.test(value)) return value.length >= MIN_WORD_LENGTH;
  if (/^\d+$/.test(value)) return value.length >= MIN_WORD_LENGTH;
  return value.trim().length >= MIN_LENGTH;
}

/** The printable text a base64 value stands for (a Secret's data), or undefined. */
function decodedBase64(value: string): string | undefined {
  if (value.length < 8 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  return /^[\x20-\x7e\t\r\n]+$/.test(decoded) ? decoded : undefined;
}

/** The spellings a value travels in: as is, base64 (with and without padding) and base64url. */
function spellingsOf(value: string): string[] {
  const base64 = Buffer.from(value, 'utf8').toString('base64');
  return [value, base64, base64.replace(/=+$/, ''), Buffer.from(value, 'utf8').toString('base64url')];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A fresh scope; `maxValues` bounds what one request can make it remember (default 1,000 values). */
export function createRedactionScope(options: { maxValues?: number } = {}): RedactionScope {
  const maxValues = options.maxValues ?? 1_000;
  const learned = new Set<string>();
  let values = 0;
  let pattern: RegExp | undefined;

  function remember(value: string): void {
    if (!isLearnable(value) || learned.has(value) || values >= maxValues) return;
    values += 1;
    for (const spelling of spellingsOf(value)) if (spelling.length >= MIN_LENGTH) learned.add(spelling);
    pattern = undefined;
  }

  return {
    learn(value) {
      remember(value);
      const decoded = decodedBase64(value);
      if (decoded !== undefined) remember(decoded);
    },
    redactLearned(text) {
      if (learned.size === 0 || text.length < MIN_LENGTH) return text;
      // Longest first, so a base64 form is replaced whole rather than around a shorter value inside it.
      pattern ??= new RegExp(
        [...learned]
          .sort((left, right) => right.length - left.length)
          .map(escapeRegExp)
          .join('|'),
        'g',
      );
      return text.replace(pattern, REDACTED);
    },
    get size() {
      return learned.size;
    },
  };
}

const active = new AsyncLocalStorage<RedactionScope>();

/**
 * Runs `fn` with `scope` active: every `redactText` and `redactValue` call inside it, however deep
 * and however asynchronous (tool handlers, pino formatters, the store), learns into the scope and
 * replaces what it learned.
 */
export function withRedactionScope<T>(scope: RedactionScope, fn: () => T): T {
  return active.run(scope, fn);
}

/** The scope of the request or investigation running now, if any. */
export function activeRedactionScope(): RedactionScope | undefined {
  return active.getStore();
}

/** Scopes by key (a trace id), for servers that see one investigation as many separate calls. */
export interface RedactionScopes {
  /** The scope of `key`, created on first use; the least recently used beyond the limit are dropped. */
  scopeFor(key: string): RedactionScope;
}

/**
 * A bounded set of scopes keyed by trace id: an MCP server answers one investigation's calls one
 * by one, and the trace id (from `traceparent` in `_meta`) is what they share. At most
 * `maxScopes` (default 256) are kept; a scope unused for `idleMs` (default 30 minutes) is
 * dropped.
 */
export function createRedactionScopes(
  options: { maxScopes?: number; idleMs?: number; now?: () => number } = {},
): RedactionScopes {
  const maxScopes = options.maxScopes ?? 256;
  const idleMs = options.idleMs ?? 30 * 60_000;
  const now = options.now ?? Date.now;
  const scopes = new Map<string, { scope: RedactionScope; usedAt: number }>();
  return {
    scopeFor(key) {
      const at = now();
      const found = scopes.get(key);
      scopes.delete(key);
      const entry = found && at - found.usedAt <= idleMs ? found : { scope: createRedactionScope(), usedAt: at };
      entry.usedAt = at;
      scopes.set(key, entry);
      // Map order is insertion order: the first entries are the least recently used.
      for (const [oldKey, old] of scopes) {
        if (scopes.size <= maxScopes && at - old.usedAt <= idleMs) break;
        scopes.delete(oldKey);
      }
      return entry.scope;
    },
  };
}
