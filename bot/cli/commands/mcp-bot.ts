import type { Readable, Writable } from 'node:stream';
import { BotError, errorMessage } from '../../errors.js';
import { createModelChain } from '../../model/model-chain.js';
import { createLogger } from '../../telemetry/logger.js';
import { McpToolGateway } from '../../gateway-client/mcp-tool-gateway.js';
import { createBotMcpServer, type BotServices } from '../../mcp-server/bot-mcp-server.js';
import { startBotMcpHttp } from '../../mcp-server/http-endpoint.js';
import { createInvestigator, investigationSettings } from '../../runtime/investigator.js';
import { openScenarioEstate, type ScenarioEstate } from '../../../evaluators/runner/scenario-estate.js';
import { runStdioTransport } from '../../../mcp-servers/common/stdio-transport.js';
import { writeLine, type CliIo } from '../command.js';
import { loadRuntimeConfig, type RuntimeConfig } from '../role-config.js';
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

/** Every configuration problem, before the server answers anything: bad variables, no gateway, bad model settings. */
function checkConfig(config: RuntimeConfig, hasScenario: boolean): void {
  if (!hasScenario && (!config.GATEWAY_URL || !config.GATEWAY_TOKEN))
    throw new BotError(
      'config_invalid',
      'invalid bot MCP server configuration: GATEWAY_URL and GATEWAY_TOKEN are required ' +
        '(or --scenario NAME for the sandbox estate)',
    );
  // Builds no connection: it only reports missing provider variables now rather than on the first call.
  createModelChain(config);
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
  const config = loadRuntimeConfig(io.env);
  checkConfig(config, scenario !== undefined);
  const logger = createLogger({ level: io.env.LOG_LEVEL ? config.LOG_LEVEL : 'warn', destination: io.stderr });
  let runtime: Runtime | undefined;
  let estate: ScenarioEstate | undefined;
  let gateway: McpToolGateway | undefined;
  // Store, skills and the sandbox estate open while the client connects (clients time out slow
  // starts); the tools wait for them.
  const opening = (async (): Promise<BotServices> => {
    runtime = await openRuntime(io, { useModel: true, defaultLogLevel: 'warn', config });
    estate = scenario ? await openScenarioEstate(scenario) : undefined;
    const target = estate?.gateway ?? { url: config.GATEWAY_URL ?? '', token: config.GATEWAY_TOKEN ?? '' };
    gateway = new McpToolGateway({ url: target.url, token: target.token });
    const investigator = createInvestigator({
      store: runtime.store,
      gateway,
      catalog: runtime.catalog,
      ...(runtime.model ? { model: runtime.model } : {}),
      settings: investigationSettings(runtime.agent),
    });
    return { investigator, catalog: runtime.catalog };
  })();
  opening.catch((error: unknown) =>
    logger.error({ event: 'mcp-server-open-fail', err: errorMessage(error) }, 'could not open the store or the estate'),
  );
  try {
    const deps = { services: () => opening, logger, version: readVersion() };
    const createServer = () => createBotMcpServer(deps);
    if (flags.http && authToken) {
      const http = await startBotMcpHttp({
        createServer,
        authToken,
        port: flags.port,
        host: flags.host,
        logger,
      });
      logger.info(
        { event: 'mcp-server-start', server: 'bot', transport: 'http', url: http.url },
        'MCP server listening',
      );
      writeLine(io.stderr, `sre-bot mcp bot listening on ${http.url}`);
      await io.stopSignal;
      await http.close();
      return 0;
    }
    logger.info({ event: 'mcp-server-start', server: 'bot', transport: 'stdio' }, 'MCP server on stdio');
    // stdio is this process's MCP channel: the CLI is a composition root, so it may bind process streams.
    await runStdioTransport(createServer().server, io.stopSignal, {
      stdin: process.stdin as Readable,
      stdout: io.stdout as Writable,
    });
    return 0;
  } finally {
    await opening.catch(() => undefined);
    await gateway?.close();
    await estate?.close();
    await runtime?.close();
  }
}
