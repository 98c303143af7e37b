/**
 * Slack request signing (v0): `X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:" + ts + ":" + body))`
 * over the exact bytes sent, plus the form encoding Slack uses for the bodies it signs.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The `X-Slack-Signature` value for a raw body sent at `timestampSeconds`. */
export function computeSlackSignature(signingSecret: string, timestampSeconds: number | string, body: string): string {
  const digest = createHmac('sha256', signingSecret)
    .update(`v0:${String(timestampSeconds)}:${body}`)
    .digest('hex');
  return `v0=${digest}`;
}

/** Why a signed request is refused, or undefined when it is valid. */
export type SignatureProblem = 'missing_headers' | 'stale_timestamp' | 'bad_signature';

/** Checks a request the way Slack's SDKs do: signature in constant time, timestamp within 5 minutes. */
export function checkSlackSignature(input: {
  signingSecret: string;
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  body: string;
  nowSeconds?: number;
  maxAgeSeconds?: number;
}): SignatureProblem | undefined {
  const { timestampHeader, signatureHeader } = input;
  if (!timestampHeader || !signatureHeader) return 'missing_headers';
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestampHeader)) > (input.maxAgeSeconds ?? 300)) return 'stale_timestamp';
  const expected = Buffer.from(computeSlackSignature(input.signingSecret, timestampHeader, input.body));
  const actual = Buffer.from(signatureHeader);
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? undefined : 'bad_signature';
}

/**
 * Encodes one form value the way Slack does: every byte but `A-Z a-z 0-9 - _ .` percent-encoded,
 * spaces as `+` (so `*`, `(`, `)`, `!`, `'`, `~` are encoded too, unlike `encodeURIComponent`).
 */
export function slackFormEncodeValue(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*~]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** An `application/x-www-form-urlencoded` body in Slack's encoding, fields in the given order. */
export function slackFormEncode(fields: Readonly<Record<string, string>>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${slackFormEncodeValue(key)}=${slackFormEncodeValue(value)}`)
    .join('&');
}
