import type { Readable, Writable } from 'node:stream';
import { BotError } from '../../errors.js';
import { McpToolGateway } from '../../gateway-client/mcp-tool-gateway.js';
import { createBotMcpServer } from '../../mcp-server/bot-mcp-server.js';
import { startBotMcpHttp } from '../../mcp-server/http-endpoint.js';
import { createInvestigator, investigationSettings } from '../../runtime/investigator.js';
import { openScenarioEstate, type ScenarioEstate } from '../../../evaluators/runner/scenario-estate.js';
import { runStdioTransport } from '../../../mcp-servers/common/stdio-transport.js';
import { writeLine, type CliIo } from '../command.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { loadScenarioFlag } from '../scenario-flags.js';
import { readVersion } from './version.js';

/** The flags `sre-bot mcp bot` reads (parsed by the mcp command). */
export interface BotMcpFlags {
  http: boolean;
  port: number;
  host?: string | undefined;
  scenario?: string | undefined;
  'scenario-file'?: string | undefined;
}

/** The gateway the investigations go through: the sandbox estate's with --scenario, else GATEWAY_URL. */
async function openGateway(runtime: Runtime, estate: ScenarioEstate | undefined): Promise<McpToolGateway> {
  if (estate) return new McpToolGateway({ url: estate.gateway.url, token: estate.gateway.token });
  const { GATEWAY_URL: url, GATEWAY_TOKEN: token } = runtime.agent;
  if (!url || !token)
    throw new BotError(
      'config_invalid',
      'invalid bot MCP server configuration: GATEWAY_URL and GATEWAY_TOKEN are required ' +
        '(or --scenario NAME for the sandbox estate)',
    );
  return new McpToolGateway({ url, token });
}

/**
 * `sre-bot mcp bot`: the bot itself as an MCP server (investigate, search_skills, read_skill) over
 * stdio, or streamable HTTP with MCP_AUTH_TOKEN. Investigations run in this process, through the
 * gateway, and are recorded in the store like Slack ones (source `api`).
 */
export async function runBotMcpServer(flags: BotMcpFlags, io: CliIo, usage: string): Promise<number> {
  const authToken = io.env.MCP_AUTH_TOKEN;
  if (flags.http && !authToken)
    throw new BotError(
      'config_invalid',
      'invalid bot MCP server configuration: MCP_AUTH_TOKEN is required with --http ' +
        '(callers must send it as a bearer token)',
    );
  const scenario = await loadScenarioFlag(flags, io, usage);
  const runtime = await openRuntime(io, { useModel: true, defaultLogLevel: 'warn' });
  let estate: ScenarioEstate | undefined;
  let gateway: McpToolGateway | undefined;
  try {
    estate = scenario ? await openScenarioEstate(scenario) : undefined;
    gateway = await openGateway(runtime, estate);
    const investigator = createInvestigator({
      store: runtime.store,
      gateway,
      catalog: runtime.catalog,
      ...(runtime.model ? { model: runtime.model } : {}),
      settings: investigationSettings(runtime.agent),
    });
    const deps = { investigator, catalog: runtime.catalog, logger: runtime.logger, version: readVersion() };
    const createServer = () => createBotMcpServer(deps);
    if (flags.http && authToken) {
      const http = await startBotMcpHttp({
        createServer,
        authToken,
        port: flags.port,
        host: flags.host,
        logger: runtime.logger,
      });
      runtime.logger.info(
        { event: 'mcp-server-start', server: 'bot', transport: 'http', url: http.url },
        'MCP server listening',
      );
      writeLine(io.stderr, `sre-bot mcp bot listening on ${http.url}`);
      await io.stopSignal;
      await http.close();
      return 0;
    }
    runtime.logger.info({ event: 'mcp-server-start', server: 'bot', transport: 'stdio' }, 'MCP server on stdio');
    // stdio is this process's MCP channel: the CLI is a composition root, so it may bind process streams.
    await runStdioTransport(createServer().server, io.stopSignal, {
      stdin: process.stdin as Readable,
      stdout: io.stdout as Writable,
    });
    return 0;
  } finally {
    await gateway?.close();
    await estate?.close();
    await runtime.close();
  }
}
