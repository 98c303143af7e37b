import { logRedaction } from '../../redaction/index.js';
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Fields pino blanks out wherever they appear in a gateway log object. */
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
  '*.headers.authorization',
];

/** Default cap of log bytes waiting to be written (8 MiB: ~25,000 audit lines). */
export const DEFAULT_LOG_BACKLOG_BYTES = 8 * 1024 * 1024;

/** Settings of the gateway logger. */
export interface GatewayLoggerSettings {
  level?: string;
  /** Where lines go: the process's stderr (default), a file descriptor, or any writable stream. */
  destination?: NodeJS.WritableStream | number;
  /** Stderr or a file descriptor only: most bytes queued unwritten before new lines are dropped. */
  maxBacklogBytes?: number;
}

/** Lines dropped by a logger's bounded destination since it started. */
interface DropCount {
  lines: number;
  bytes: number;
  /** Lines dropped since the last `log-lines-dropped` notice. */
  unreported: number;
}

const drops = new WeakMap<Logger, DropCount>();

/**
 * The gateway's JSON logger (stderr by default). Upstream credentials are additionally scrubbed
 * from every message by the gateway itself; these paths are a second line of defence.
 * Stderr and file descriptors are written through an asynchronous pino destination: a pipe write
 * is synchronous in Node on Linux, and one audit line per call would block the event loop on every
 * call under load. Its backlog is bounded by `maxBacklogBytes`: when whatever reads the logs falls
 * that far behind, new lines are dropped rather than growing memory without limit or stalling
 * calls; the count is on `/metrics` (`droppedLogLines`) and, once the backlog is written out, a
 * `log-lines-dropped` warning line says how many went missing. Pending lines are flushed on exit.
 */
export function createGatewayLogger(settings: GatewayLoggerSettings = {}): Logger {
  const options = {
    level: settings.level ?? 'info',
    base: { service: 'sre-bot-gateway' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...logRedaction,
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const fd = settings.destination === undefined || settings.destination === process.stderr ? 2 : settings.destination;
  if (typeof fd !== 'number') return pino(options, fd);
  const maxLength = settings.maxBacklogBytes ?? DEFAULT_LOG_BACKLOG_BYTES;
  const destination = pino.destination({ dest: fd, sync: false, maxLength });
  const logger = pino(options, destination);
  const count: DropCount = { lines: 0, bytes: 0, unreported: 0 };
  drops.set(logger, count);
  destination.on('drop', (data: string | Buffer) => {
    count.lines += 1;
    count.bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    count.unreported += 1;
  });
  destination.on('drain', () => {
    // Once the backlog is written out, one notice, straight to the destination (whatever the level).
    if (count.unreported === 0) return;
    const line = {
      level: 40,
      time: new Date().toISOString(),
      service: 'sre-bot-gateway',
      event: 'log-lines-dropped',
      dropped: count.unreported,
      droppedTotal: count.lines,
      msg: 'log destination fell behind; lines dropped',
    };
    count.unreported = 0;
    destination.write(`${JSON.stringify(line)}\n`);
  });
  return logger;
}

/** Lines a logger from `createGatewayLogger` dropped because its destination fell behind (0 for other loggers). */
export function droppedLogLines(logger: Logger): number {
  return drops.get(logger)?.lines ?? 0;
}

/** A logger that drops everything (tests, library defaults). */
export function createSilentGatewayLogger(): Logger {
  return pino({ level: 'silent' });
}
