import { randomBytes } from 'node:crypto';
import { createArgocdDeps, createArgocdServer } from '../../mcp-servers/argocd/server.js';
import { startHttpTransport, type RunningHttpServer } from '../../mcp-servers/common/http-transport.js';
import { createSilentServerLogger } from '../../mcp-servers/common/logger.js';

/**
 * Child process of the gateway fan-out benchmark: our argocd MCP server, one per Argo CD instance
 * given in BENCH_ARGOCD (JSON `[{name, url, token}]`), each on its own port and bearer token, as
 * `sre-bot mcp argocd` would serve them — outside the gateway's and the client's processes.
 * Prints `{"servers": [{instance, url, token}]}` on stdout and runs until SIGTERM.
 */
const endpoints = JSON.parse(process.env.BENCH_ARGOCD ?? '[]') as Array<{ name: string; url: string; token: string }>;
const requestTimeoutMs = Number(process.env.BENCH_TIMEOUT_MS ?? 5000);
const logger = createSilentServerLogger();
const running: RunningHttpServer[] = [];
const servers: Array<{ instance: string; url: string; token: string }> = [];
for (const endpoint of endpoints) {
  const config = { url: endpoint.url, token: endpoint.token, requestTimeoutMs, logLevel: 'silent' };
  const deps = createArgocdDeps(config);
  const token = randomBytes(24).toString('base64url');
  const server = await startHttpTransport({
    createServer: () => createArgocdServer(config, { ...deps, logger }),
    authToken: token,
    port: 0,
    logger,
  });
  running.push(server);
  servers.push({ instance: endpoint.name, url: server.url, token });
}
process.stdout.write(`${JSON.stringify({ servers })}\n`);
process.on('SIGTERM', () => {
  void Promise.all(running.map((server) => server.close())).then(() => process.exit(0));
});
