import type { EvidenceBundle } from './evidence.js';
import { compileSignal, computeRarity, matchSignals, type MatchableSkill, type SignalHit } from './signal-matcher.js';
import { parseSignals, type Signal, type SignalSyntaxError } from './signals.js';

/**
 * Fix cases: the list items of a skill's `## Fix` that each describe one cause and its cure,
 * with the signals that single that cause out. Documented in skills/README.md:
 *
 *   - **Tag that does not exist** `when: event~/manifest unknown/i; !event~/unauthorized/i`:
 *     set the tag back to {{healthyTag}} in the overlay of {{app}}.
 *
 * `when:` takes clauses in the `metadata.signals` syntax. A positive clause that hits supports
 * the case; a counter-clause (`!`) that hits contradicts it. `{{fact}}` placeholders are filled
 * from the evidence (FIX_FACTS lists them); a fact the evidence lacks reads as its fallback.
 */

/** The facts a fix case may name, each with the words used when the evidence does not have it. */
export const FIX_FACTS = {
  app: 'the app',
  workload: 'the workload',
  namespace: 'the namespace',
  container: 'the container',
  command: "the container's command",
  image: 'the image',
  badTag: 'the tag that fails',
  healthyTag: 'the last tag that ran healthy',
  healthyRevision: 'the revision that last ran healthy',
  missingObject: 'the missing object',
  missingKey: 'the missing key',
  missingSetting: 'the setting the app reports missing',
  keyOwner: 'the ConfigMap or Secret that lacks the key',
  storageClass: 'the StorageClass the claim asks for',
  storageClasses: 'a StorageClass that exists in the cluster',
  containerPort: 'the port the container listens on',
  probePort: 'the port the probe checks',
  podLabels: 'the labels the pods carry',
  serviceSelector: "the Service's selector",
  service: 'the Service',
  revision: 'the revision that introduced it',
  namespaceObject: 'the Namespace the app creates',
  missingNamespace: 'the namespace its resources go to',
  policyResources: 'the failing resources',
  nodeSelector: "the pod template's nodeSelector",
  nodeLabels: 'a label the nodes carry',
  claim: 'the PersistentVolumeClaim',
  boundStorageClass: 'the StorageClass the claim is bound with',
  cpuLimit: "the container's CPU limit",
  dependencyHost: 'the hostname the app calls',
  serviceHost: 'the DNS name of the Service that exists',
  networkPolicy: 'the NetworkPolicy on the target pods',
  allowedPeers: 'the pods the NetworkPolicy admits',
  // Admission denials (diagnosis/facts-admission.ts).
  quota: 'the ResourceQuota of the namespace',
  quotaResource: 'the resource the quota counts',
  quotaRequested: 'what each pod asks for',
  quotaUsed: 'what is already used',
  quotaLimit: "the quota's limit",
  limitRangeResource: 'the resource',
  limitRangeField: 'limit or request',
  limitRangeMax: "the LimitRange's maximum",
  limitRangeMin: "the LimitRange's minimum",
  limitRangeActual: 'the value it sets now',
  policy: 'the policy',
  policyTarget: 'the resource the policy refuses',
  policyRule: 'the rule',
  policyField: 'the field the rule checks',
  policyMessage: 'what the rule asks for',
  previousValue: 'its value before the change',
  healthyImage: 'the image that last ran healthy',
  missingFile: 'the file the app cannot open',
  missingFileDirectory: 'the directory the app reads its file from',
  settingsSource: 'the ConfigMap or Secret the app loads its settings from',
  replacedKey: 'the key that stands where the setting used to',
  driftedResource: 'the resource that differs from git',
  driftedFields: 'the fields that differ from git',
  driftedBy: 'whoever changed it live',
} as const satisfies Record<string, string>;

export type FixFact = keyof typeof FIX_FACTS;

/** Whether a placeholder name is one of FIX_FACTS. */
export function isFixFact(name: string): name is FixFact {
  return Object.hasOwn(FIX_FACTS, name);
}

/** One case of a `## Fix` section. */
export interface FixCase {
  /** The bold lead (`Tag that does not exist`). */
  title: string;
  /** The cure as written, markdown emphasis removed, `when:` clause dropped, placeholders kept. */
  text: string;
  /** The `when:` clauses as written (empty when the item has none). */
  when: string;
  /** 1-based line within the section markdown where the item starts. */
  line: number;
  signals: Signal[];
  errors: SignalSyntaxError[];
  /** `{{name}}` placeholders used in the text. */
  placeholders: string[];
}

const ITEM_START = /^(?:[-*+]|\d+[.)])\s+(.*)$/;
const WHEN = /`when:\s*([^`]*)`/;
const TITLE = /^\*\*([^*]+?)\*\*[:.]?\s*/;
const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

/** The top-level list items of a section, continuation lines joined, with their 1-based lines. */
function topLevelItems(markdown: string): Array<{ text: string; line: number }> {
  const items: Array<{ text: string; line: number }> = [];
  let isOpen = false;
  markdown.split('\n').forEach((raw, index) => {
    const start = ITEM_START.exec(raw);
    const last = items.at(-1);
    if (start?.[1] !== undefined) {
      items.push({ text: start[1].trim(), line: index + 1 });
      isOpen = true;
    } else if (isOpen && last && /^\s{2,}\S/.test(raw)) last.text += ` ${raw.trim()}`;
    else isOpen = false;
  });
  return items;
}

/** The cases of a `## Fix` section: list items that start with a bold title. */
export function parseFixCases(fixMarkdown: string): FixCase[] {
  return topLevelItems(fixMarkdown)
    .filter((item) => TITLE.test(item.text))
    .map((item) => {
      const when = WHEN.exec(item.text)?.[1]?.trim() ?? '';
      const withoutWhen = item.text.replace(WHEN, '').replace(/\s+([:.,;])/g, '$1');
      const title = TITLE.exec(withoutWhen)?.[1]?.trim() ?? '';
      const rest = withoutWhen
        .replace(TITLE, '')
        .replace(/^[:.\s]+/, '')
        .trim();
      const text = `${title}: ${rest}`.replace(/\*\*/g, '').replace(/`/g, '');
      const parsed = when ? parseSignals(when) : { signals: [], errors: [] };
      const placeholders = [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''))];
      return { title, text, when, line: item.line, signals: parsed.signals, errors: parsed.errors, placeholders };
    });
}

/** How the evidence stands to one case. */
export interface FixCaseVerdict {
  case: FixCase;
  /** Positive clause weights minus counter-clause weights that hit. */
  score: number;
  /** Positive clauses that hit, with the lines. */
  support: SignalHit[];
  /** Counter-clauses that hit: the evidence says it is not this case. */
  contradictions: SignalHit[];
}

/**
 * Holds every case against the evidence: which clauses hit and how much they weigh (rarer
 * clauses among the cases weigh more, as among skills). Verdicts come back in the skill's order.
 */
export function evaluateFixCases(cases: readonly FixCase[], evidence: EvidenceBundle): FixCaseVerdict[] {
  const matchable: MatchableSkill[] = cases.map((fixCase, index) => ({
    name: String(index),
    signals: fixCase.signals.map(compileSignal),
  }));
  const rarity = computeRarity(matchable);
  return cases.map((fixCase, index) => {
    const one = matchable[index];
    // matchSignals drops a case whose score is not positive; read the hits from a run without that rule.
    const hits = one ? hitsOf(one, evidence, rarity) : [];
    const support = hits.filter((hit) => !hit.isCounter);
    const contradictions = hits.filter((hit) => hit.isCounter);
    const score = distinctWeight(support) + distinctWeight(contradictions);
    return { case: fixCase, score: Math.round(score * 1000) / 1000, support, contradictions };
  });
}

/** Every hit of one case's clauses (positive and counter), whatever the total. */
function hitsOf(
  skill: MatchableSkill,
  evidence: EvidenceBundle,
  rarity: ReturnType<typeof computeRarity>,
): SignalHit[] {
  const positives: MatchableSkill = { name: skill.name, signals: skill.signals.filter((s) => !s.signal.isCounter) };
  const counters: MatchableSkill = {
    name: skill.name,
    // A counter-clause run on its own, as a positive one, so its hits come back.
    signals: skill.signals
      .filter((s) => s.signal.isCounter)
      .map((s) => ({ ...s, signal: { ...s.signal, isCounter: false } })),
  };
  const positive = matchSignals([positives], evidence, { rarity })[0]?.hits ?? [];
  const counter = (matchSignals([counters], evidence, { rarity })[0]?.hits ?? []).map((hit) => ({
    ...hit,
    isCounter: true,
    weight: -hit.weight,
  }));
  return [...positive, ...counter];
}

/** The weight of the clauses that hit, each clause once. */
function distinctWeight(hits: readonly SignalHit[]): number {
  return [...new Map(hits.map((hit) => [hit.signal, hit.weight])).values()].reduce((sum, weight) => sum + weight, 0);
}

/** Fills `{{fact}}` placeholders from `facts`; a missing fact reads as its fallback. */
export function fillPlaceholders(
  text: string,
  facts: Partial<Record<FixFact, string>>,
): { text: string; missing: string[] } {
  const missing: string[] = [];
  const filled = text.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = isFixFact(name) ? facts[name] : undefined;
    if (value) return value;
    missing.push(name);
    return isFixFact(name) ? FIX_FACTS[name] : name;
  });
  return { text: filled, missing };
}
