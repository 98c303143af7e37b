import { openQueue } from '../../queue/open-queue.js';
import { INVESTIGATION_QUEUE, type SlackInvestigationJob } from '../../slack/investigation-job.js';
import { createSlackApp } from '../../slack/slack-app.js';
import { createBotMetrics } from '../../telemetry/bot-metrics.js';
import { registerQueueMetrics } from '../queue-metrics.js';
import { startRoleTelemetry } from '../role-telemetry.js';
import { loadSlackRoleConfig } from '../role-config.js';
import { openRuntime, resolveSkillRoots } from '../runtime.js';
import { wireLearning } from '../learning-wiring.js';
import { parseFlags, parseIntegerFlag, writeLine, type Command } from '../command.js';
import { createRcaService } from '../../rca/rca-service.js';
import { loadWebConfig } from '../../web/config.js';
import type { RcaWebServer } from '../../web/web-server.js';
import { buildRcaWeb, rcaPageUrl, teamOfChannel } from '../rca-web.js';
import { startWorkerRole, type RunningWorker } from './worker.js';
import { openFixQueue } from '../fix-role.js';
import { postmortemsRepository } from '../postmortems-wiring.js';

const USAGE = 'slack [--port N] [--host H] [--no-worker]';

/**
 * `sre-bot slack`: the Slack receiver (HTTP at /slack/events, or Socket Mode with
 * SLACK_APP_TOKEN) until SIGINT/SIGTERM. With REDIS_URL it only enqueues and `sre-bot worker`
 * answers; without Redis the queue is in-process, so the worker runs here too.
 */
export const slackCommand: Command = {
  name: 'slack',
  summary: 'Run the Slack app: mentions, support channels, DMs, /sre, buttons and App Home (HTTP or Socket Mode).',
  usage: USAGE,
  run: async (argv, io) => {
    const { values } = parseFlags(
      argv,
      { port: { type: 'string' }, host: { type: 'string' }, 'no-worker': { type: 'boolean' } },
      USAGE,
    );
    const port = parseIntegerFlag(values.port, 'port', USAGE);
    const isInProcess = !io.env.REDIS_URL;
    // One parse for the role: the worker's settings too when it runs here, so every problem shows at once.
    const role = loadSlackRoleConfig(io.env, io.cwd, { withWorker: isInProcess && !values['no-worker'] });
    const { slack: config, channels, worker: workerConfig } = role;
    // The RCA page runs in this role when SRE_BOT_WEB_URL is set (its variables are checked now).
    const webConfig = io.env.SRE_BOT_WEB_URL ? loadWebConfig(io.env) : undefined;
    const telemetry = await startRoleTelemetry(io, 'slack', role.runtime);
    const runtime = await openRuntime(io, {
      useModel: workerConfig !== undefined,
      watchSkills: true,
      config: role.runtime,
    });
    const queue = openQueue<SlackInvestigationJob>(INVESTIGATION_QUEUE, {
      redisUrl: runtime.core.REDIS_URL,
      prefix: runtime.core.QUEUE_PREFIX,
      attempts: config.SRE_BOT_JOB_ATTEMPTS,
    });
    registerQueueMetrics(telemetry.registry, queue);
    // With FIX_GIT_PROVIDER the receiver enqueues "Propose fix" and Approve / Reject as `fix` jobs.
    const fixQueue = role.isFixEnabled ? openFixQueue(runtime) : undefined;
    // With RCA_POSTMORTEMS_REPOSITORY, publishing (in Slack or on the page) opens a postmortems PR.
    const postmortems = postmortemsRepository(role.postmortems);
    const rcas = createRcaService({
      store: runtime.store,
      teamOf: teamOfChannel(channels),
      logger: runtime.logger,
      ...(runtime.model ? { model: runtime.model } : {}),
      ...(postmortems ? { postmortems } : {}),
    });
    const pageUrl = rcaPageUrl(webConfig?.SRE_BOT_WEB_URL);
    // The correction loop (SKILLS_REPOSITORY): Remember / Discard, skills pull requests, merge checks.
    const learning = wireLearning(io, runtime, resolveSkillRoots(role.runtime, io.cwd).roots);
    const service = createSlackApp(config, {
      queue,
      store: runtime.store,
      channels,
      skillNames: () => runtime.catalog.names(),
      logger: runtime.logger,
      attempts: config.SRE_BOT_JOB_ATTEMPTS,
      rca: { service: rcas, ...(pageUrl ? { pageUrl } : {}) },
      ...(learning ? { learning: learning.service } : {}),
      ...(fixQueue ? { fixQueue } : {}),
    });
    const stopMergeWatch = learning?.startMergeWatch(service.app.client);
    let worker: RunningWorker | undefined;
    let web: RcaWebServer | undefined;
    try {
      if (workerConfig) {
        const metrics = createBotMetrics(telemetry.registry);
        worker = await startWorkerRole(
          io,
          runtime,
          queue,
          { config: workerConfig, channels, ...(role.fix ? { fix: role.fix } : {}) },
          {
            metrics,
            ...(learning ? { readSources: learning.readSources } : {}),
            ...(fixQueue ? { fixQueue } : {}),
          },
        );
      }
      const { eventsUrl } = await service.start({
        ...(port !== undefined ? { port } : {}),
        ...(values.host ? { host: values.host } : {}),
      });
      const where = config.mode === 'socket' ? 'connected over Socket Mode' : `listening on ${eventsUrl ?? ''}`;
      const queueLine = isInProcess
        ? worker
          ? 'in-process queue, worker in this process'
          : 'in-process queue, NO worker (--no-worker)'
        : 'Redis queue; run `sre-bot worker` to answer';
      const fixLine = role.isFixEnabled ? 'fix pull requests on' : 'fix pull requests off (FIX_GIT_PROVIDER unset)';
      const rcaLine = postmortems
        ? `RCAs publish to ${postmortems.repository}`
        : 'RCAs export markdown only (RCA_POSTMORTEMS_REPOSITORY unset)';
      writeLine(
        io.stderr,
        `sre-bot slack ${where}: ${channels.list().length} support channels, ${queueLine}, ${fixLine}, ${rcaLine}`,
      );
      if (webConfig) {
        web = buildRcaWeb(webConfig, { service: rcas, store: runtime.store, channels, logger: runtime.logger });
        const webUrl = await web.listen(webConfig.SRE_BOT_WEB_PORT, values.host ?? '0.0.0.0');
        writeLine(io.stderr, `RCA page listening on ${webUrl} (public URL ${webConfig.SRE_BOT_WEB_URL})`);
      }
      await io.stopSignal;
    } finally {
      stopMergeWatch?.();
      await web?.close();
      await service.stop().catch(() => undefined);
      await worker?.close();
      await fixQueue?.close();
      await queue.close();
      await runtime.close();
      await telemetry.close();
    }
    return 0;
  },
};
