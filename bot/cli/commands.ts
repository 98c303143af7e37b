import type { Command } from './command.js';

/** A registry entry whose implementation is imported only when it runs. */
function lazy(name: string, summary: string, load: () => Promise<Command>): Command {
  return { name, summary, usage: name, load };
}

/**
 * Every `sre-bot` subcommand. Each role (slack, worker, gateway, mcp, sandbox, ...) registers
 * here; the CLI is a composition root, so commands may wire any part. Entries load lazily: a
 * role imports only what it runs (a test checks names and summaries match the commands).
 */
export const commands: readonly Command[] = [
  lazy(
    'version',
    'Print the sre-bot version and the Node.js version it runs on.',
    async () => (await import('./commands/version.js')).versionCommand,
  ),
  lazy(
    'demo',
    'Run the whole bot on the sandbox estate in this terminal (or in Slack with --slack): no keys needed.',
    async () => (await import('./commands/demo.js')).demoCommand,
  ),
  lazy(
    'ask',
    'Investigate one question and print the answer (with a scenario: against the sandbox estate).',
    async () => (await import('./commands/ask.js')).askCommand,
  ),
  lazy(
    'eval',
    "Run scenarios through the investigation pipeline and score each answer strictly against the scenario's " +
      'expectations, over one or several noise seeds.',
    async () => (await import('./commands/eval.js')).evalCommand,
  ),
  lazy(
    'slack',
    'Run the Slack app: mentions, support channels, DMs, /sre, buttons and App Home (HTTP or Socket Mode).',
    async () => (await import('./commands/slack.js')).slackCommand,
  ),
  lazy(
    'worker',
    'Run the investigation worker: answers Slack questions from the queue (needs REDIS_URL and GATEWAY_URL).',
    async () => (await import('./commands/worker.js')).workerCommand,
  ),
  lazy(
    'alerts',
    'Run the alert receiver: Alertmanager and PagerDuty webhooks start investigations in team channels.',
    async () => (await import('./commands/alerts.js')).alertsCommand,
  ),
  lazy(
    'gateway',
    'Run the MCP gateway: one endpoint over every Argo CD, Kubernetes and Kyverno MCP server.',
    async () => (await import('./commands/gateway.js')).gatewayCommand,
  ),
  lazy(
    'mcp',
    'Run the kubernetes, argocd, kyverno or bot MCP server (stdio or HTTP).',
    async () => (await import('./commands/mcp.js')).mcpCommand,
  ),
  lazy(
    'sandbox',
    'Run the simulated estate (scenarios, fake Kubernetes/Kyverno/Argo CD) for demos, evals and benchmarks.',
    async () => (await import('./commands/sandbox.js')).sandboxCommand,
  ),
  lazy(
    'skills',
    'Skill library: lint, new, search, show, ci.',
    async () => (await import('./commands/skills.js')).skillsCommand,
  ),
  lazy(
    'rca',
    'RCA documents: draft from an investigation, export as markdown.',
    async () => (await import('./commands/rca.js')).rcaCommand,
  ),
  lazy(
    'web',
    'Serve the RCA web page: sign in with OIDC, list, read, edit, publish and export RCAs, overview charts.',
    async () => (await import('./commands/web.js')).webCommand,
  ),
  lazy('db', 'Database schema: migrate, status.', async () => (await import('./commands/db.js')).dbCommand),
  lazy(
    'doctor',
    'Check the configuration and reach every dependency (Slack, gateway and upstreams, models, PostgreSQL, ' +
      'Redis, git, alerts).',
    async () => (await import('./commands/doctor.js')).doctorCommand,
  ),
  lazy(
    'bench',
    'Run a benchmark suite and print its table (ratios measured side by side in one run).',
    async () => (await import('./commands/bench.js')).benchCommand,
  ),
];
