import { BotError, errorMessage } from '../errors.js';
import { UsageError, writeLine, type CliIo, type Command } from './command.js';

/** Renders the usage block of a command group. */
export function formatUsage(program: string, commands: readonly Command[], prefix = ''): string {
  const lines = [`usage: ${program} ${prefix}<command> [options]`, '', 'commands:'];
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  for (const command of commands) {
    lines.push(`  ${command.name.padEnd(width)}${command.summary}`);
  }
  lines.push('', `Run '${program} ${prefix}<command> --help' for a command's options.`);
  return lines.join('\n');
}

/**
 * Dispatches argv to a command and turns errors into exit codes: 2 for usage mistakes (one line
 * plus usage), 1 for failures (one plain sentence), the command's own code otherwise.
 */
export async function runCli(
  argv: string[],
  commands: readonly Command[],
  io: CliIo,
  program = 'sre-bot',
): Promise<number> {
  let group = commands;
  let prefix = '';
  let rest = argv;
  for (;;) {
    const [head, ...tail] = rest;
    if (head === undefined || head === '--help' || head === '-h' || head === 'help') {
      const text = formatUsage(program, group, prefix);
      if (head === undefined && prefix === '') {
        writeLine(io.stderr, text);
        return 2;
      }
      writeLine(io.stdout, text);
      return 0;
    }
    const listed = group.find((candidate) => candidate.name === head);
    const command = listed?.load ? await listed.load() : listed;
    if (!command) {
      const kind = head.startsWith('-') ? 'unknown option' : 'unknown command';
      writeLine(io.stderr, `error: ${kind} '${head}'`);
      writeLine(io.stderr, formatUsage(program, group, prefix));
      return 2;
    }
    if (command.subcommands && !command.run) {
      group = command.subcommands;
      prefix = `${prefix}${command.name} `;
      rest = tail;
      continue;
    }
    if (tail.includes('--help') || tail.includes('-h')) {
      writeLine(io.stdout, `usage: ${program} ${command.usage}\n\n${command.summary}`);
      return 0;
    }
    try {
      return await (command.run ?? (() => Promise.resolve(2)))(tail, io);
    } catch (error) {
      if (error instanceof UsageError) {
        writeLine(io.stderr, `error: ${error.message}`);
        writeLine(io.stderr, `usage: ${program} ${error.usage}`);
        return 2;
      }
      if (error instanceof BotError && error.code === 'config_invalid') {
        writeLine(io.stderr, `error: ${error.message}`);
        return 2;
      }
      writeLine(io.stderr, `error: ${errorMessage(error)}`);
      return 1;
    }
  }
}
