/**
 * Sends requests to an app's HTTP receiver the way Slack does: signed with the signing secret
 * over the exact body, with `X-Slack-Request-Timestamp`, and optionally marked as a redelivery
 * (`X-Slack-Retry-Num` / `X-Slack-Retry-Reason`). Can also send a bad signature or a stale
 * timestamp to exercise the receiver's refusals.
 */
import { computeSlackSignature, slackFormEncode } from './signing.js';

/** How to sign and deliver one request. */
export interface SignedRequestOptions {
  signingSecret: string;
  /** Request time in epoch seconds (default: now). */
  timestampSeconds?: number;
  /** Send a timestamp 10 minutes old (outside the 5-minute replay window). */
  stale?: boolean;
  /** Sign with a wrong secret, so the signature does not verify. */
  badSignature?: boolean;
  /** Mark the delivery as Slack's retry number N (1–3). */
  retryNum?: number;
  /** `X-Slack-Retry-Reason` for a retry (default `http_timeout`). */
  retryReason?: string;
  /** More headers to send. */
  headers?: Record<string, string>;
}

/** The receiver's answer. */
export interface SignedResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** The headers Slack would send with `body` (signature over the exact string given). */
export function signedHeaders(
  body: string,
  contentType: string,
  options: SignedRequestOptions,
): Record<string, string> {
  const now = options.timestampSeconds ?? Math.floor(Date.now() / 1000);
  const timestamp = options.stale ? now - 600 : now;
  const secret = options.badSignature ? `${options.signingSecret}-wrong` : options.signingSecret;
  const retry: Record<string, string> =
    options.retryNum === undefined
      ? {}
      : {
          'x-slack-retry-num': String(options.retryNum),
          'x-slack-retry-reason': options.retryReason ?? 'http_timeout',
        };
  return {
    'content-type': contentType,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': computeSlackSignature(secret, timestamp, body),
    ...retry,
    ...options.headers,
  };
}

/** POSTs a raw body, signed, and returns the receiver's answer. */
export async function sendSignedRequest(
  url: string,
  body: string,
  contentType: string,
  options: SignedRequestOptions,
): Promise<SignedResponse> {
  const response = await fetch(url, { method: 'POST', headers: signedHeaders(body, contentType, options), body });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** POSTs an Events API payload (`event_callback` or `url_verification`) as JSON. */
export function sendSignedEvent(url: string, payload: object, options: SignedRequestOptions): Promise<SignedResponse> {
  return sendSignedRequest(url, JSON.stringify(payload), 'application/json', options);
}

/** POSTs an interactivity payload (`block_actions`, `view_submission`…) as the form field `payload`. */
export function sendSignedInteraction(
  url: string,
  payload: object,
  options: SignedRequestOptions,
): Promise<SignedResponse> {
  return sendSignedRequest(
    url,
    slackFormEncode({ payload: JSON.stringify(payload) }),
    'application/x-www-form-urlencoded',
    options,
  );
}

/** POSTs slash-command fields form-encoded. */
export function sendSignedSlashCommand(
  url: string,
  fields: Readonly<Record<string, string>>,
  options: SignedRequestOptions,
): Promise<SignedResponse> {
  return sendSignedRequest(url, slackFormEncode(fields), 'application/x-www-form-urlencoded', options);
}
