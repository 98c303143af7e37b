import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { InvestigationSettings } from '../../bot/agent/investigate.js';
import type { ModelClient, SkillCatalog as PortSkillCatalog } from '../../bot/agent/ports.js';
import type { SkillCatalog } from '../../bot/skills/catalog-types.js';
import { McpToolGateway } from '../../bot/gateway-client/mcp-tool-gateway.js';
import { createInvestigator, type Investigator } from '../../bot/runtime/investigator.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import { createSkillCatalog } from '../../bot/skills/catalog.js';
import { migrate } from '../../bot/store/migrate.js';
import { createPgliteDatabase } from '../../bot/store/pglite-database.js';
import { createStore, type Store } from '../../bot/store/store.js';
import { openScenarioEstate, type ScenarioEstate } from '../../evaluators/runner/scenario-estate.js';
import { loadScenarioByName } from '../../evaluators/sandbox/scenario/load-scenario.js';
import type { Scenario } from '../../evaluators/sandbox/scenario/scenario-schema.js';

export const repositoryRoot = join(import.meta.dirname, '..', '..');

/** Loads a bundled scenario by name. */
export function bundledScenario(name: string): Promise<Scenario> {
  return loadScenarioByName(join(repositoryRoot, 'evaluators', 'scenarios'), name);
}

/** PGlite with the migrations applied, and the bundled skills: what every pipeline test needs besides an estate. */
export async function openStoreAndSkills(): Promise<{ store: Store; skills: SkillCatalog; close(): Promise<void> }> {
  const db = await createPgliteDatabase();
  await migrate(db);
  const store = createStore(db);
  const skills = await createSkillCatalog({ roots: [join(repositoryRoot, 'skills')] });
  return {
    store,
    skills,
    async close() {
      await skills.close();
      await store.close();
    },
  };
}

/**
 * PGlite and the bundled skills for one suite: opened before its tests, closed after. Read
 * `store` and `catalog` inside tests (they throw before the suite has started).
 */
export function useStoreAndSkills(): { readonly store: Store; readonly catalog: PortSkillCatalog } {
  let opened: Awaited<ReturnType<typeof openStoreAndSkills>> | undefined;
  beforeAll(async () => {
    opened = await openStoreAndSkills();
  });
  afterAll(async () => {
    await opened?.close();
  });
  const ready = () => {
    if (!opened) throw new Error('useStoreAndSkills: read store and catalog inside a test');
    return opened;
  };
  return {
    get store() {
      return ready().store;
    },
    get catalog() {
      return skillCatalogPort(ready().skills);
    },
  };
}

export interface PipelineHarness {
  estate: ScenarioEstate;
  store: Store;
  investigator: Investigator;
  /** The bundled skills, as the pipeline sees them. */
  catalog: PortSkillCatalog;
  close(): Promise<void>;
}

/**
 * The whole investigation path for tests: sandbox estate, MCP servers and gateway on loopback,
 * the real gateway client, the bundled skills, PGlite, and optionally a model client.
 */
export async function startPipeline(
  scenario: Scenario,
  options: { model?: ModelClient; settings?: InvestigationSettings } = {},
): Promise<PipelineHarness> {
  const estate = await openScenarioEstate(scenario);
  const { store, skills: disk, close: closeStoreAndSkills } = await openStoreAndSkills();
  const gateway = new McpToolGateway({ url: estate.gateway.url, token: estate.gateway.token });
  const catalog = skillCatalogPort(disk);
  const investigator = createInvestigator({
    store,
    gateway,
    catalog,
    ...(options.model ? { model: options.model } : {}),
    ...(options.settings ? { settings: options.settings } : {}),
  });
  return {
    estate,
    store,
    investigator,
    catalog,
    async close() {
      await gateway.close();
      await closeStoreAndSkills();
      await estate.close();
    },
  };
}

/**
 * One estate holding the faults of several scenarios (several failures at once): the first
 * scenario, plus each other's apps, images, namespaces and commits that the first lacks (their
 * shared base estate is there once). The first scenario's question and expectations stay.
 */
export function combineScenarios(first: Scenario, ...others: Scenario[]): Scenario {
  const combined = structuredClone(first);
  for (const other of others) {
    for (const instance of other.argocd) {
      const target = combined.argocd.find((candidate) => candidate.name === instance.name);
      if (!target) combined.argocd.push(structuredClone(instance));
      else
        for (const app of instance.apps)
          if (!target.apps.some((candidate) => candidate.name === app.name)) target.apps.push(structuredClone(app));
    }
    for (const cluster of other.clusters) {
      const target = combined.clusters.find((candidate) => candidate.name === cluster.name);
      if (!target) combined.clusters.push(structuredClone(cluster));
      else target.namespaces = [...new Set([...target.namespaces, ...cluster.namespaces])];
    }
    for (const image of other.images)
      if (!combined.images.some((candidate) => candidate.repository === image.repository))
        combined.images.push(structuredClone(image));
    const known = new Set(combined.git.commits.map((commit) => `${commit.message}\0${commit.date}`));
    for (const commit of other.git.commits)
      if (!known.has(`${commit.message}\0${commit.date}`)) combined.git.commits.push(structuredClone(commit));
  }
  return combined;
}
