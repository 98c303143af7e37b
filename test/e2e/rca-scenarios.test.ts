import { expect } from 'vitest';
import { draftFromRecords } from '../../bot/rca/draft-triage.js';
import { lintRca, onlyHumanFindings } from '../../bot/rca/lint-rca.js';
import { loadRcaRecords } from '../../bot/rca/load-records.js';
import { readRecordFacts } from '../../bot/rca/record-facts.js';
import { describeBundledScenarios } from '../support/scenario-suite.js';

/**
 * Acceptance of triage drafting: the RCA of every bundled scenario's investigation, built from
 * what the run recorded, passes the lint except for fields only a person can fill, and every
 * timeline row points at a record.
 */
describeBundledScenarios('an RCA draft of every bundled scenario', async ({ result, store }) => {
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
