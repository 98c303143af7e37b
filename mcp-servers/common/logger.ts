import { logRedaction } from '../../redaction/index.js';
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Fields pino blanks out wherever they appear in a log object. */
const REDACT_PATHS = [
  'token',
  'authorization',
  'password',
  'secret',
  '*.token',
  '*.authorization',
  '*.password',
  '*.secret',
  'headers.authorization',
  'config.argocdToken',
  'config.mcpAuthToken',
];

/**
 * The JSON logger of an MCP server process. Writes to stderr by default: over stdio, stdout is
 * the MCP channel and must carry nothing else.
 */
export function createServerLogger(settings: {
  level: string;
  server: string;
  destination?: NodeJS.WritableStream;
}): Logger {
  return pino(
    {
      level: settings.level,
      base: { service: `sre-bot-mcp-${settings.server}` },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      ...logRedaction,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    settings.destination ?? process.stderr,
  );
}

/** A logger that drops everything (tests, library defaults). */
export function createSilentServerLogger(): Logger {
  return pino({ level: 'silent' });
}
