import { WebAPIHTTPError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { BotError } from '../errors.js';
import { UnrecoverableJobError } from '../queue/job-outcome.js';
import { slackErrorCode } from './slack-api-error.js';

/** Slack refusals that another attempt cannot fix (wrong place, missing access, bad payload). */
const PERMANENT_SLACK_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'restricted_action',
  'msg_too_long',
  'invalid_blocks',
  'invalid_blocks_format',
  'thread_not_found',
  'user_not_in_channel',
]);

/**
 * Maps a failure to a queue outcome: permanent Slack refusals become unrecoverable (straight to
 * the dead-letter list); rate limits that outlasted the client's retries, network and HTTP
 * failures are retryable; anything else keeps its own verdict (BotError.isRetryable, or retried
 * until attempts run out when unknown).
 */
export function toJobError(error: unknown): unknown {
  const code = slackErrorCode(error);
  if (code !== undefined) {
    if (PERMANENT_SLACK_ERRORS.has(code))
      return new UnrecoverableJobError(`Slack refused the request: ${code}`, { cause: error });
    return new BotError('upstream_unavailable', `Slack answered ${code}`, { cause: error, isRetryable: true });
  }
  if (error instanceof WebAPIRateLimitedError)
    return new BotError('upstream_unavailable', `Slack rate limit (retry after ${error.retryAfter} s)`, {
      cause: error,
      isRetryable: true,
    });
  if (error instanceof WebAPIRequestError || error instanceof WebAPIHTTPError)
    return new BotError('upstream_unavailable', `Slack Web API unreachable: ${error.message}`, {
      cause: error,
      isRetryable: true,
    });
  return error;
}
