import type { Command } from './command.js';
import { versionCommand } from './commands/version.js';
import { askCommand } from './commands/ask.js';
import { evalCommand } from './commands/eval.js';
import { dbCommand } from './commands/db.js';
import { skillsCommand } from './commands/skills.js';
import { benchCommand } from './commands/bench.js';
import { sandboxCommand } from './commands/sandbox.js';
import { mcpCommand } from './commands/mcp.js';
import { gatewayCommand } from './commands/gateway.js';
import { slackCommand } from './commands/slack.js';
import { workerCommand } from './commands/worker.js';

/**
 * Every `sre-bot` subcommand. Each role (slack, worker, gateway, mcp, sandbox, ...) registers
 * here; the CLI is a composition root, so commands may wire any part.
 */
export const commands: readonly Command[] = [versionCommand, dbCommand, askCommand, evalCommand, skillsCommand, benchCommand, sandboxCommand, mcpCommand, gatewayCommand, slackCommand, workerCommand];
