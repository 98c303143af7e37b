import type { EvidenceBundle } from '../skills/evidence.js';
import type { Finding } from './answer.js';
import type { SkillCatalog, SkillMatchResult } from './ports.js';

const MAX_EVIDENCE = 8;

/** Bullet and numbered lines of a markdown section, as plain sentences. */
function listItems(markdown: string): string[] {
  return markdown
    .split('\n')
    .map((line) => /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line)?.[1]?.trim())
    .filter((item): item is string => Boolean(item))
    .map((item) => item.replace(/\*\*/g, '').replace(/`/g, ''));
}

function firstParagraph(markdown: string): string {
  const paragraph = markdown
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .find((block) => block.length > 0 && !block.startsWith('#'));
  return (paragraph ?? markdown).replace(/\s+/g, ' ').slice(0, 700);
}

/** Warning-looking evidence, used when no skill matched. */
function notableEvidence(evidence: EvidenceBundle): EvidenceBundle {
  return evidence.filter((item) => /warning|error|fail|backoff|denied|outofsync|degraded|pending|refused|not found|oomkilled|crashloop/i.test(item.text));
}

/**
 * The deterministic answer when no model is configured or the model is down: the best-matching
 * skill's signal hits are the root cause, the evidence lines prove it, and the skill's Fix
 * section says what to change.
 */
export function triage(question: string, evidence: EvidenceBundle, matches: readonly SkillMatchResult[], catalog: SkillCatalog): Finding {
  const best = matches[0];
  const skill = best ? catalog.get(best.name) : undefined;
  if (!best || !skill) {
    const notable = notableEvidence(evidence).slice(0, MAX_EVIDENCE);
    return {
      summary: notable.length > 0 ? 'No known fault signature matched; these are the problems found.' : 'No problem was found in the gathered state.',
      rootCause: notable.length > 0 ? `Undetermined. The most relevant signal: ${notable[0]?.text ?? ''}` : 'Undetermined: the workloads, Argo CD applications and policies checked look healthy.',
      evidence: notable.length > 0 ? notable.map((item) => ({ text: item.text.slice(0, 600), source: item.source })) : [{ text: 'No warnings, failed syncs or policy violations found.', source: 'sre-bot/triage' }],
      confidence: 'low',
      nextSteps: ['Check the application name and environment in the question.', 'Ask the owning team or escalate to the on-call SRE.'],
    };
  }
  const hitLines = [...new Map(best.hits.map((hit) => [hit.line, hit])).values()];
  const primary = hitLines[0];
  const description = skill.description.split(/(?<=\.)\s/)[0] ?? skill.description;
  const runnerUp = matches[1];
  const isClearWinner = !runnerUp || best.score >= runnerUp.score * 1.5;
  const fixText = skill.fix ?? '';
  return {
    summary: `${description.replace(/\.$/, '')} — ${primary?.line.slice(0, 300) ?? ''}`.slice(0, 800),
    rootCause: `${primary?.line ?? description} (${primary?.source ?? 'evidence'}; matched skill ${skill.name}).`.slice(0, 1500),
    evidence: hitLines.slice(0, MAX_EVIDENCE).map((hit) => ({ text: hit.line.slice(0, 600), source: hit.source })),
    confidence: isClearWinner && hitLines.length >= 2 ? 'high' : isClearWinner ? 'medium' : 'low',
    nextSteps: listItems(fixText).slice(0, 6).map((step) => step.slice(0, 400)),
    ...(fixText ? { fix: { description: firstParagraph(fixText) } } : {}),
  };
}
