import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ModelClient, SkillCatalog } from '../agent/ports.js';
import type { AgentConfig } from '../config/agent-config.js';
import type { CoreConfig } from '../config/core-config.js';
import { createModelChain } from '../model/model-chain.js';
import { packageRoot } from '../package-root.js';
import { skillCatalogPort } from '../runtime/skill-catalog-port.js';
import { createSkillCatalog } from '../skills/catalog.js';
import { skillsSettings } from '../skills/config.js';
import type { SkillCatalog as DiskCatalog } from '../skills/catalog-types.js';
import { migrate } from '../store/migrate.js';
import { openDatabase } from '../store/open-database.js';
import { createStore, type Store } from '../store/store.js';
import { createLogger, type Logger } from '../telemetry/logger.js';
import type { CliIo } from './command.js';
import { loadRuntimeConfig, type RuntimeConfig } from './role-config.js';

/** What the investigation roles (ask, eval, worker, demo) share once wired. */
export interface Runtime {
  core: CoreConfig;
  agent: AgentConfig;
  logger: Logger;
  store: Store;
  disk: DiskCatalog;
  catalog: SkillCatalog;
  model?: ModelClient;
  close(): Promise<void>;
}

/** Skill roots from SKILLS_DIRS; a relative root missing under cwd falls back to the bundled library. */
export function resolveSkillRoots(
  parsed: RuntimeConfig,
  cwd: string,
): { roots: string[]; urlAllowList: readonly string[] } {
  const config = skillsSettings(parsed, cwd);
  const roots = config.roots.map((root) => (existsSync(root) ? root : join(packageRoot(), relative(cwd, root))));
  return { roots, urlAllowList: config.urlAllowList };
}

/** How {@link openRuntime} opens the runtime. */
export interface OpenRuntimeOptions {
  useModel: boolean;
  inMemoryStore?: boolean;
  watchSkills?: boolean;
  defaultLogLevel?: string;
  /** The role's configuration, parsed once at start; `ask`, `eval` and `demo` leave it to this function. */
  config?: RuntimeConfig;
}

/**
 * Opens storage (migrated), the skill catalog and, unless disabled or unconfigured, the model.
 * `inMemory` keeps the store in an in-memory PGlite (eval runs leave nothing behind).
 */
export async function openRuntime(io: CliIo, options: OpenRuntimeOptions): Promise<Runtime> {
  const config = options.config ?? loadRuntimeConfig(io.env);
  const core: CoreConfig = config;
  const agent: AgentConfig = config;
  // Interactive commands keep stderr for progress lines unless LOG_LEVEL asks for more.
  const logger = createLogger({
    level: io.env.LOG_LEVEL ? core.LOG_LEVEL : (options.defaultLogLevel ?? 'info'),
    destination: io.stderr,
  });
  const db = await openDatabase({
    databaseUrl: options.inMemoryStore ? undefined : core.DATABASE_URL,
    home: options.inMemoryStore ? '' : core.SRE_BOT_HOME,
    cwd: io.cwd,
    ...(options.inMemoryStore ? { inMemory: true } : {}),
  });
  await migrate(db);
  const store = createStore(db);
  const skills = resolveSkillRoots(config, io.cwd);
  const disk = await createSkillCatalog({
    roots: skills.roots,
    urlAllowList: skills.urlAllowList,
    watch: options.watchSkills ?? false,
    logger,
  });
  const model = options.useModel ? createModelChain(agent, { logger }) : undefined;
  return {
    core,
    agent,
    logger,
    store,
    disk,
    catalog: skillCatalogPort(disk),
    ...(model ? { model } : {}),
    async close() {
      await disk.close();
      await store.close();
    },
  };
}
