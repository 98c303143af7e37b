import { PassThrough } from 'node:stream';
import { commands } from '../../bot/cli/commands.js';
import { runCli } from '../../bot/cli/run-cli.js';
import { repositoryRoot } from './pipeline.js';
import { waitFor } from './probes.js';

/** A long-running `sre-bot` role started in this process, as its Deployment would run it. */
export interface RunningRole {
  /** What the role wrote to stderr so far. */
  output(): string;
  /** {@link waitFor}, naming the role's output on timeout. */
  waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  /** Sends the stop signal and resolves with the exit code once the role has shut down. */
  stop(): Promise<number>;
}

/** Starts `sre-bot <args>` with exactly `env` (nothing from process.env), from the repository root. */
export function startCliRole(args: string[], env: Record<string, string | undefined>): RunningRole {
  let stderr = '';
  const errors = new PassThrough();
  errors.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let stop = () => {};
  const stopSignal = new Promise<void>((resolve) => (stop = resolve));
  const exit = runCli(args, commands, {
    stdout: new PassThrough(),
    stderr: errors,
    env,
    cwd: repositoryRoot,
    stopSignal,
  });
  return {
    output: () => stderr,
    waitFor: (what, probe, timeoutMs) =>
      waitFor(what, probe, { context: () => stderr, ...(timeoutMs ? { timeoutMs } : {}) }),
    stop() {
      stop();
      return exit;
    },
  };
}
