import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BotError } from '../errors.js';

/** Where a command reads and writes; injected so tests run commands in-process. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); long-running roles await it. */
  stopSignal: Promise<void>;
}

/** One CLI subcommand. A command either runs or groups subcommands (`db migrate`). */
export interface Command {
  name: string;
  summary: string;
  /** Usage line(s) after `sre-bot `, e.g. `db migrate`. */
  usage: string;
  subcommands?: readonly Command[];
  run?: (argv: string[], io: CliIo) => Promise<number>;
  /** Imports the real command on first use, so `--help` and small commands start fast. */
  load?: () => Promise<Command>;
}

/** A caller mistake on the command line: printed as one line plus the usage, exit code 2. */
export class UsageError extends BotError {
  readonly usage: string;
  constructor(message: string, usage: string) {
    super('usage', message);
    this.usage = usage;
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses flags strictly: unknown flags or missing values become a UsageError naming the flag.
 */
export function parseFlags<T extends Options>(
  argv: string[],
  options: T,
  usage: string,
  allowPositionals = false,
): {
  values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; strict: true; args: string[] }>>['values'];
  positionals: string[];
} {
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    if (!allowPositionals && parsed.positionals.length > 0) {
      throw new UsageError(`unexpected argument '${parsed.positionals[0] ?? ''}'`, usage);
    }
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /Unknown option '([^']+)'/.exec(message);
    const missing = /Option '([^']+?)(?: <value>)?' argument missing/.exec(message);
    if (unknown?.[1]) throw new UsageError(`unknown option '${unknown[1]}'`, usage);
    if (missing?.[1]) throw new UsageError(`option '${missing[1]}' needs a value`, usage);
    throw new UsageError(message.split('.')[0] ?? message, usage);
  }
}

/** Parses a positive integer flag value or throws a UsageError naming the flag. */
export function parseIntegerFlag(value: string | undefined, flag: string, usage: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new UsageError(`--${flag} must be a whole number, got '${value}'`, usage);
  }
  return parsed;
}

/** Writes one line to a stream. */
export function writeLine(stream: NodeJS.WritableStream, line: string): void {
  stream.write(`${line}\n`);
}
