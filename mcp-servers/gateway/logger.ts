import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Fields pino blanks out wherever they appear in a gateway log object. */
const REDACT_PATHS = ['token', 'authorization', 'password', 'secret', '*.token', '*.authorization', '*.password', '*.secret', 'headers.authorization', '*.headers.authorization'];

/**
 * The gateway's JSON logger (stderr by default). Upstream credentials are additionally scrubbed
 * from every message by the gateway itself; these paths are a second line of defence.
 * Writing to the process's stderr goes through an asynchronous pino destination: a pipe write is
 * synchronous in Node on Linux, and one audit line per call would block the event loop on every
 * call under load. Pending lines are flushed on exit.
 */
export function createGatewayLogger(settings: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: settings.level ?? 'info',
      base: { service: 'sre-bot-gateway' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    settings.destination === undefined || settings.destination === process.stderr ? pino.destination({ dest: 2, sync: false }) : settings.destination,
  );
}

/** A logger that drops everything (tests, library defaults). */
export function createSilentGatewayLogger(): Logger {
  return pino({ level: 'silent' });
}
