import { LogLevel, type Logger as SlackLogger, type WebClientOptions } from '@slack/web-api';
import type { Logger } from '../telemetry/logger.js';

const levelOrder: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 0,
  [LogLevel.INFO]: 1,
  [LogLevel.WARN]: 2,
  [LogLevel.ERROR]: 3,
};

/**
 * The Slack SDK's logger interface over pino. SDK lines go out as `event: slack-sdk-log`; their
 * level is capped at warn unless the pino logger is at debug, because SDK debug lines can carry
 * payloads (user text) that must not reach the logs.
 */
export function slackLogger(logger: Logger): SlackLogger {
  let level = logger.isLevelEnabled('debug') ? LogLevel.DEBUG : LogLevel.WARN;
  let name = 'slack';
  const write = (at: LogLevel, parts: unknown[]) => {
    if (levelOrder[at] < levelOrder[level]) return;
    const message = parts
      .map((part) => (part instanceof Error ? part.message : typeof part === 'string' ? part : JSON.stringify(part)))
      .join(' ');
    logger[at]({ event: 'slack-sdk-log', component: name }, message);
  };
  return {
    debug: (...parts) => write(LogLevel.DEBUG, parts),
    info: (...parts) => write(LogLevel.INFO, parts),
    warn: (...parts) => write(LogLevel.WARN, parts),
    error: (...parts) => write(LogLevel.ERROR, parts),
    setLevel: (next) => {
      // Never below warn unless pino itself is at debug (see above).
      level = logger.isLevelEnabled('debug') || levelOrder[next] >= levelOrder[LogLevel.WARN] ? next : LogLevel.WARN;
    },
    getLevel: () => level,
    setName: (next) => {
      name = next;
    },
  };
}

/**
 * Web API client options both roles use: the API root (GovSlack, tests), and retries that wait
 * out HTTP 429 for as long as Retry-After says before trying again (never rejecting rate-limited
 * calls outright), plus exponential backoff for network and 5xx failures.
 */
export function webClientOptions(settings: {
  slackApiUrl: string;
  retries: number;
  logger: Logger;
  minRetryTimeoutMs?: number;
}): WebClientOptions {
  return {
    slackApiUrl: settings.slackApiUrl,
    logger: slackLogger(settings.logger),
    rejectRateLimitedCalls: false,
    retryConfig: {
      retries: settings.retries,
      factor: 2,
      minTimeout: settings.minRetryTimeoutMs ?? 1_000,
      maxTimeout: 30_000,
      randomize: true,
    },
  };
}
