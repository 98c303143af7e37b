import { WebAPIPlatformError } from '@slack/web-api';

/** The Slack error code (`channel_not_found`, `invalid_auth`…) of a Web API platform error, if it is one. */
export function slackErrorCode(error: unknown): string | undefined {
  return error instanceof WebAPIPlatformError ? error.data.error : undefined;
}
