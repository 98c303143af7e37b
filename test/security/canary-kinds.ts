/** The shape of a canary secret and the two ways the suite builds one (see canary-formats.ts). */
export type CanaryPlace = 'log' | 'event' | 'configmap' | 'secret' | 'annotation' | 'env' | 'commit' | 'question';

export interface CanaryFormat {
  id: string;
  /** The format in words, as the table in docs/security.md lists it. */
  format: string;
  place: CanaryPlace;
  secret: string;
  /** The text planted: a log line, event message, ConfigMap line, commit subject, question fragment. */
  text: string;
  /** ConfigMap or Secret key, annotation key, env name (places that are maps). */
  key?: string;
  marker: string;
  /**
   * The same value repeated later without its key (issue 19): an event in another namespace,
   * read by a later model step, after the structured place has been read.
   */
  bare?: { text: string; marker: string };
}

export const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

export function canary(
  id: string,
  format: string,
  place: CanaryPlace,
  secret: string,
  line: (secret: string, marker: string) => string,
  key?: string,
): CanaryFormat {
  const marker = `canary-${id}`;
  return { id, format, place, secret, text: line(secret, marker), marker, ...(key ? { key } : {}) };
}

/**
 * A value whose only tell is where it first stood (an env entry, a Secret's data), repeated
 * later bare in an event (`spelling`: as is, or base64). `secret` is what must reach no sink:
 * the value, or its base64 when that is what the event repeats.
 */
export function learned(
  id: string,
  format: string,
  place: 'env' | 'secret',
  value: string,
  key: string,
  spelling: 'plain' | 'base64',
  line: (repeated: string, marker: string) => string,
): CanaryFormat {
  const marker = `canary-${id}`;
  const repeated = spelling === 'base64' ? b64(value) : value;
  return {
    id,
    format,
    place,
    secret: repeated,
    text: value,
    key,
    marker,
    bare: { text: line(repeated, `${marker}-bare`), marker: `${marker}-bare` },
  };
}
