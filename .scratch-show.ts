import { runScenario } from './evaluators/runner/run-scenario.js';
import { skillCatalogPort } from './bot/runtime/skill-catalog-port.js';
import { bundledScenario, openStoreAndSkills } from './test/support/pipeline.js';
const { store, skills, close } = await openStoreAndSkills();
for (const name of process.argv.slice(2)) {
  const scenario = await bundledScenario(name);
  const result = await runScenario(scenario, { store, catalog: skillCatalogPort(skills) });
  const answer = (await store.investigations.get(result.answerId ?? ''))?.answer as Record<string, unknown>;
  console.log(`=== ${name} verdict=${result.verdict.reason} calls=${result.toolCalls}`);
  console.log(JSON.stringify({ ...answer, usage: undefined }, null, 1));
}
await close();
