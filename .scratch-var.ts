import { runScenario } from './evaluators/runner/run-scenario.js';
import { skillCatalogPort } from './bot/runtime/skill-catalog-port.js';
import { bundledScenario, openStoreAndSkills } from './test/support/pipeline.js';
const { store, skills, close } = await openStoreAndSkills();
const scenario = await bundledScenario('service-selector-mismatch');
const image = scenario.images.find((c) => c.repository.endsWith('/storefront'));
if (image) image.readyNeedsCalls = true;
for (const commit of scenario.git.commits) {
  const path = 'apps/storefront/prod-eu/deployment.yaml';
  const file = commit.files[path];
  if (file) commit.files[path] = file.replace(/( +)ports: \[\{ containerPort: 3000 \}\]\n/, (line, indent: string) => `${line}${indent}readinessProbe:\n${indent}  httpGet: { path: /ready, port: 3000 }\n`);
}
scenario.question = 'storefront pods in prod-eu are not ready. why?';
const result = await runScenario(scenario, { store, catalog: skillCatalogPort(skills) });
const answer = (await store.investigations.get(result.answerId ?? ''))?.answer as Record<string, unknown>;
console.log(JSON.stringify({ ...answer, usage: undefined }, null, 1));
const { store: s2 } = { store };
for (const c of await s2.toolCalls.listForInvestigation(result.answerId ?? "")) console.log("CALL", JSON.stringify(c).slice(0, 300));
await close();
