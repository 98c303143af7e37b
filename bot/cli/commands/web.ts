import { loadCoreConfig } from '../../config/core-config.js';
import { createRcaService } from '../../rca/rca-service.js';
import { loadChannelConfig } from '../../slack/channel-config.js';
import { migrate } from '../../store/migrate.js';
import { openDatabase } from '../../store/open-database.js';
import { createStore } from '../../store/store.js';
import { createLogger } from '../../telemetry/logger.js';
import { loadWebConfig } from '../../web/config.js';
import { parseFlags, parseIntegerFlag, writeLine, type Command } from '../command.js';
import { postmortemsRepository } from '../postmortems-wiring.js';
import { buildRcaWeb, teamOfChannel } from '../rca-web.js';
import { loadPostmortemsConfig } from '../../rca/config.js';

const USAGE = 'web [--port N] [--host H]';

/** `sre-bot web`: the RCA web page (index, RCA, history, overview) until SIGINT/SIGTERM. */
export const webCommand: Command = {
  name: 'web',
  summary: 'Serve the RCA web page: sign in with OIDC, list, read, edit, publish and export RCAs, overview charts.',
  usage: USAGE,
  run: async (argv, io) => {
    const { values } = parseFlags(argv, { port: { type: 'string' }, host: { type: 'string' } }, USAGE);
    const port = parseIntegerFlag(values.port, 'port', USAGE);
    const core = loadCoreConfig(io.env);
    const config = loadWebConfig(io.env);
    // With RCA_POSTMORTEMS_REPOSITORY, "Publish" on the page also opens a postmortems pull request.
    const postmortems = postmortemsRepository(loadPostmortemsConfig(io.env));
    const channels = loadChannelConfig(io.env.SRE_BOT_CHANNELS_FILE);
    const logger = createLogger({ level: core.LOG_LEVEL, destination: io.stderr });
    const db = await openDatabase({ databaseUrl: core.DATABASE_URL, home: core.SRE_BOT_HOME, cwd: io.cwd });
    try {
      await migrate(db);
      const store = createStore(db);
      const service = createRcaService({
        store,
        teamOf: teamOfChannel(channels),
        logger,
        ...(postmortems ? { postmortems } : {}),
      });
      const web = buildRcaWeb(config, { service, store, channels, logger });
      const url = await web.listen(port ?? config.SRE_BOT_WEB_PORT, values.host ?? '0.0.0.0');
      const publishing = postmortems ? `publishes to ${postmortems.repository}` : 'markdown export only';
      writeLine(io.stderr, `sre-bot web listening on ${url} (public URL ${config.SRE_BOT_WEB_URL}), ${publishing}`);
      await io.stopSignal;
      await web.close();
    } finally {
      await db.close();
    }
    return 0;
  },
};
