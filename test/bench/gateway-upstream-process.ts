import { startFakeUpstream } from '../../mcp-servers/gateway/testing/fake-upstream.js';

/**
 * Child process of the gateway benchmark: one fake upstream MCP server (trivial tool, stateless
 * HTTP) in its own process, so the load generator, the gateway and the upstream do not share an
 * event loop. Prints `{"url": ...}` on stdout, runs until killed.
 */
const token = process.env.UPSTREAM_TOKEN ?? '';
const upstream = await startFakeUpstream({ token, things: ['payments', 'cart', 'search'] });
process.stdout.write(`${JSON.stringify({ url: upstream.url })}\n`);
process.on('SIGTERM', () => {
  void upstream.close().then(() => process.exit(0));
});
