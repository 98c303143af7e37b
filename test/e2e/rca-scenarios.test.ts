import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftFromRecords } from '../../bot/rca/draft-triage.js';
import { lintRca, onlyHumanFindings } from '../../bot/rca/lint-rca.js';
import { loadRcaRecords } from '../../bot/rca/load-records.js';
import { readRecordFacts } from '../../bot/rca/record-facts.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import type { SkillCatalog } from '../../bot/skills/catalog-types.js';
import type { Store } from '../../bot/store/store.js';
import { runScenario } from '../../evaluators/runner/run-scenario.js';
import { bundledScenario, openStoreAndSkills, repositoryRoot } from '../support/pipeline.js';

const names = readdirSync(join(repositoryRoot, 'evaluators', 'scenarios'))
  .filter((file) => file.endsWith('.yaml'))
  .map((file) => file.replace(/\.yaml$/, ''));

/**
 * Acceptance of triage drafting: the RCA of every bundled scenario's investigation, built from
 * what the run recorded, passes the lint except for fields only a person can fill, and every
 * timeline row points at a record.
 */
describe('an RCA draft of every bundled scenario', () => {
  let store: Store;
  let disk: SkillCatalog;
  let closeAll: () => Promise<void>;
  beforeAll(async () => {
    ({ store, skills: disk, close: closeAll } = await openStoreAndSkills());
  });
  afterAll(async () => {
    await closeAll();
  });

  it.each(names)('%s', async (name) => {
    const result = await runScenario(await bundledScenario(name), { store, catalog: skillCatalogPort(disk) });
    expect(result.error).toBeUndefined();
    const records = await loadRcaRecords(store, result.answerId ?? '');
    expect(records.toolCalls.some((call) => call.result !== undefined)).toBe(true);
    const draft = draftFromRecords(records);
    const findings = lintRca(draft, { people: records.investigation.asker ? [records.investigation.asker] : [] });
    expect(findings.filter((finding) => finding.level !== 'human')).toEqual([]);
    expect(onlyHumanFindings(findings)).toBe(true);
    expect(draft.rootCause).not.toBe('');
    expect(draft.timeline.length).toBeGreaterThanOrEqual(2);
    for (const row of draft.timeline) expect(row.source.ref).not.toBe('');
    // When the recorded results hold dated events or deployments, the timeline carries them (a
    // policy-report scenario has neither, only the question and the answer).
    const facts = readRecordFacts(records.toolCalls);
    const isDated = [...facts.events, ...facts.deployments, ...facts.failedSyncs].some((fact) => fact.at !== undefined);
    expect(draft.timeline.some((row) => ['event', 'commit', 'sync'].includes(row.source.kind))).toBe(isDated);
  });
});
