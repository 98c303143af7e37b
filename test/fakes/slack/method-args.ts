/**
 * Arguments of one Web API call, whichever way they arrived: `@slack/web-api` sends
 * `application/x-www-form-urlencoded` with objects (blocks, view, metadata…) as JSON strings;
 * other clients send `application/json`. Also the logical error a method answers with.
 */

/** A Slack logical error: HTTP 200 with `{"ok":false,"error":code, …extra}`. */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
    this.name = 'SlackApiError';
  }
}

/** `invalid_arguments` with the `response_metadata.messages` Slack uses for schema errors. */
export function invalidArguments(...messages: string[]): SlackApiError {
  return new SlackApiError('invalid_arguments', { response_metadata: { messages } });
}

/** Arguments of one call with typed accessors. */
export class MethodArgs {
  constructor(readonly raw: Readonly<Record<string, unknown>>) {}

  /** A scalar argument as a string (numbers and booleans converted), or undefined. */
  string(name: string): string | undefined {
    const value = this.raw[name];
    if (typeof value === 'string') return value === '' ? undefined : value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return undefined;
  }

  /** A scalar argument that must be present; else `invalid_arguments` naming it. */
  required(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw invalidArguments(`[ERROR] missing required field: ${name}`);
    return value;
  }

  /** An object or array argument, parsed when it came as a JSON string; undefined when absent. */
  json(name: string): unknown {
    const value = this.raw[name];
    if (typeof value !== 'string') return value;
    if (value === '') return undefined;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw invalidArguments(`[ERROR] failed to parse JSON [json-pointer:/${name}]`);
    }
  }

  /** A boolean argument (`true`, `1`, `"true"`), or undefined. */
  boolean(name: string): boolean | undefined {
    const value = this.raw[name];
    if (value === undefined) return undefined;
    return value === true || value === 1 || value === 'true' || value === '1';
  }
}

/** Form fields Slack clients JSON-encode; recorded calls show them decoded. */
const JSON_FIELDS = new Set([
  'blocks',
  'attachments',
  'metadata',
  'view',
  'prompts',
  'chunks',
  'unfurls',
  'loading_messages',
]);

/** Parses a request body into arguments; query-string arguments are merged underneath. */
export function parseArguments(
  contentType: string | undefined,
  body: string,
  query: URLSearchParams,
): Record<string, unknown> {
  const args: Record<string, unknown> = Object.fromEntries(query.entries());
  if (body.length === 0) return args;
  if (contentType?.startsWith('application/json')) {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(args, parsed);
    return args;
  }
  for (const [key, value] of new URLSearchParams(body)) args[key] = value;
  return args;
}

/** A copy of the arguments with JSON-encoded form fields decoded, for call records. */
export function decodeForRecord(args: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const decoded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (key === 'token') continue;
    if (typeof value === 'string' && JSON_FIELDS.has(key)) {
      try {
        decoded[key] = JSON.parse(value) as unknown;
        continue;
      } catch {
        // Not JSON after all: keep the string as sent.
      }
    }
    decoded[key] = value;
  }
  return decoded;
}
