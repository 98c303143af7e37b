import { logRedaction } from '../../redaction/index.js';
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Paths pino blanks out wherever they appear in a log object. */
const REDACT_PATHS = [
  'token',
  'password',
  'secret',
  'authorization',
  '*.token',
  '*.password',
  '*.secret',
  '*.authorization',
  'headers.authorization',
  'config.slackBotToken',
  'config.anthropicApiKey',
];

export interface LoggerSettings {
  level: string;
  /** Destination stream; defaults to stderr so stdout stays free for command output. */
  destination?: NodeJS.WritableStream;
}

/**
 * Creates the JSON logger every role uses. Lines carry `event` and ids, never user text or
 * secrets; well-known secret fields are redacted as a last line of defence.
 */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: 'sre-bot' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...logRedaction,
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const destination = settings.destination ?? process.stderr;
  return pino(options, destination);
}

/** A logger that drops everything (tests and library defaults). */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
