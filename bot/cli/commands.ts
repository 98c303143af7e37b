import type { Command } from './command.js';
import { versionCommand } from './commands/version.js';
import { dbCommand } from './commands/db.js';

/**
 * Every `sre-bot` subcommand. Each role (slack, worker, gateway, mcp, sandbox, ...) registers
 * here; the CLI is a composition root, so commands may wire any part.
 */
export const commands: readonly Command[] = [versionCommand, dbCommand];
