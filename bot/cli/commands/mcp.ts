import type { Readable, Writable } from 'node:stream';
import { loadServerRoleConfig } from '../role-config.js';
import { startTelemetry } from '../start-telemetry.js';
import { parseFlags, parseIntegerFlag, UsageError, writeLine, type Command, type CliIo } from '../command.js';
import { BotError } from '../../errors.js';
import { McpServerError } from '../../../mcp-servers/common/errors.js';
import { startHttpTransport } from '../../../mcp-servers/common/http-transport.js';
import { createServerLogger } from '../../../mcp-servers/common/logger.js';
import { runStdioTransport } from '../../../mcp-servers/common/stdio-transport.js';
import { mcpServerCatalog } from '../../../mcp-servers/server-catalog.js';
import type { McpServerName } from '../../../mcp-servers/tool-names.js';

const USAGE =
  'mcp <kubernetes|argocd|kyverno> [--stdio | --http [--port N] [--host H]] [--enable-writes]\n' +
  '       mcp bot [--stdio | --http [--port N] [--host H]] [--scenario NAME | --scenario-file PATH]';

/**
 * `sre-bot mcp <name>`: runs one MCP server over stdio (default) or stateless streamable HTTP at
 * /mcp with bearer auth (MCP_AUTH_TOKEN) and /healthz. Write tools exist only with --enable-writes.
 * `sre-bot mcp bot` serves the bot itself (investigate, search_skills, read_skill).
 */
export const mcpCommand: Command = {
  name: 'mcp',
  summary: 'Run the kubernetes, argocd, kyverno or bot MCP server (stdio or HTTP).',
  usage: USAGE,
  run: async (argv, io) => {
    const { values, positionals } = parseFlags(
      argv,
      {
        stdio: { type: 'boolean' },
        http: { type: 'boolean' },
        port: { type: 'string' },
        host: { type: 'string' },
        'enable-writes': { type: 'boolean' },
        scenario: { type: 'string' },
        'scenario-file': { type: 'string' },
      },
      USAGE,
      true,
    );
    const [name, extra] = positionals;
    if (!name) throw new UsageError('name the server: kubernetes, argocd, kyverno or bot', USAGE);
    if (extra) throw new UsageError(`unexpected argument '${extra}'`, USAGE);
    if (name !== 'bot' && !(name in mcpServerCatalog))
      throw new UsageError(`unknown MCP server '${name}' (kubernetes, argocd, kyverno or bot)`, USAGE);
    if (values.stdio && values.http) throw new UsageError('choose one of --stdio and --http', USAGE);
    if (!values.http && (values.port !== undefined || values.host !== undefined))
      throw new UsageError('--port and --host need --http', USAGE);
    const port = parseIntegerFlag(values.port, 'port', USAGE) ?? 8080;
    if (name === 'bot') {
      if (values['enable-writes'])
        throw new UsageError('the bot server is read-only: --enable-writes is not for it', USAGE);
      const { runBotMcpServer } = await import('./mcp-bot.js');
      return runBotMcpServer({ ...values, http: values.http === true, port }, io, USAGE);
    }
    if (values.scenario !== undefined || values['scenario-file'] !== undefined)
      throw new UsageError('--scenario and --scenario-file are for the bot server', USAGE);
    const entry = mcpServerCatalog[name as McpServerName];
    const enableWrites = values['enable-writes'] === true;
    const bootLogger = createServerLogger({
      level: io.env.LOG_LEVEL ?? 'info',
      server: entry.name,
      destination: io.stderr,
    });
    // One parse at start: the shared variables (telemetry) and the server's own, reported together.
    const { core, own: prepared } = loadServerRoleConfig(`${entry.name} MCP server`, io.env, () => {
      try {
        return entry.prepare(io.env, { logger: bootLogger, enableWrites });
      } catch (error) {
        if (error instanceof McpServerError && error.code === 'config_invalid') {
          throw new BotError('config_invalid', error.message, { cause: error });
        }
        throw error;
      }
    });
    const telemetry = startTelemetry(core, `mcp-${entry.name}`);
    try {
      return await serve(prepared, values, { io, port, enableWrites, bootLogger, name: entry.name });
    } finally {
      await telemetry.shutdown();
    }
  },
};

async function serve(
  prepared: ReturnType<(typeof mcpServerCatalog)[McpServerName]['prepare']>,
  values: { http?: boolean | undefined; host?: string | undefined },
  options: {
    io: CliIo;
    port: number;
    enableWrites: boolean;
    bootLogger: ReturnType<typeof createServerLogger>;
    name: string;
  },
): Promise<number> {
  const { io, port, enableWrites, bootLogger } = options;
  if (values.http) {
    if (!prepared.settings.authToken)
      throw new BotError(
        'config_invalid',
        `invalid ${options.name} MCP server configuration: MCP_AUTH_TOKEN is required with --http (callers must ` +
          `send it as a bearer token)`,
      );
    const server = await startHttpTransport({
      createServer: prepared.createServer,
      authToken: prepared.settings.authToken,
      port,
      ...(values.host ? { host: values.host } : {}),
      logger: bootLogger,
    });
    bootLogger.info(
      { event: 'mcp-server-start', server: options.name, transport: 'http', url: server.url, enableWrites },
      'MCP server listening',
    );
    writeLine(
      io.stderr,
      `sre-bot mcp ${options.name} listening on ${server.url} (writes ${enableWrites ? 'enabled' : 'disabled'})`,
    );
    await io.stopSignal;
    await server.close();
    return 0;
  }
  bootLogger.info(
    { event: 'mcp-server-start', server: options.name, transport: 'stdio', enableWrites },
    'MCP server on stdio',
  );
  // stdio is this process's MCP channel: the CLI is a composition root, so it may bind process streams.
  await runStdioTransport(prepared.createServer(), io.stopSignal, {
    stdin: process.stdin as Readable,
    stdout: io.stdout as Writable,
  });
  return 0;
}
