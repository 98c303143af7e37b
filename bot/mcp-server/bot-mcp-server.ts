import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { SkillCatalog } from '../agent/ports.js';
import type { Investigator } from '../runtime/investigator.js';
import type { Logger } from '../telemetry/logger.js';
import { registerInvestigateTool } from './investigate-tool.js';
import { registerReadSkillTool, registerSearchSkillsTool } from './skill-tools.js';

/** The parts the tools use: the same investigator and skill catalog the Slack worker uses. */
export interface BotServices {
  investigator: Investigator;
  catalog: SkillCatalog;
}

/** What the bot's MCP server needs. */
export interface BotMcpServerDeps {
  /**
   * Resolves once the store, skills and gateway are open. Tools await it, so a client's
   * initialize and tools/list are answered at once while the process is still opening them.
   */
  services: () => Promise<BotServices>;
  logger: Logger;
  version: string;
}

const INSTRUCTIONS =
  'sre-bot troubleshoots Kubernetes platforms (Argo CD, Kyverno, Kubernetes). Call investigate with the ' +
  'question as a person would ask it (optionally the Argo CD instance or cluster); it returns the root cause, ' +
  'evidence and next steps. search_skills and read_skill show the runbooks it follows. Everything is read-only.';

/** The bot as an MCP server: `investigate`, `search_skills`, `read_skill`. A fresh server per connection. */
export function createBotMcpServer(deps: BotMcpServerDeps): McpServer {
  const server = new McpServer({ name: 'sre-bot', version: deps.version }, { instructions: INSTRUCTIONS });
  registerInvestigateTool(server, deps);
  const catalog = async () => (await deps.services()).catalog;
  registerSearchSkillsTool(server, catalog);
  registerReadSkillTool(server, catalog);
  return server;
}
