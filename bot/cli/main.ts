import { commands } from './commands.js';
import { runCli } from './run-cli.js';

// Composition root of the one CLI: every role is a subcommand.
const stopSignal = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

const code = await runCli(process.argv.slice(2), commands, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  stopSignal,
});
process.exitCode = code;
// Long-running roles return only after stopSignal; short commands are done: exit now.
process.exit(code);
