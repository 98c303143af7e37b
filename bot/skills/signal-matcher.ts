import type { EvidenceBundle, EvidenceItem, EvidenceKind } from './evidence.js';
import { SIGNAL_KINDS, baseSpecificity, signalKey, type Signal } from './signals.js';

/** A clause ready to run: its regexes built once when the skill loads. */
export interface CompiledSignal {
  signal: Signal;
  key: string;
  kinds: readonly EvidenceKind[];
  valueRegex?: RegExp;
  patternRegex?: RegExp;
  patternText?: string;
}

/** A skill as the matcher sees it. */
export interface MatchableSkill {
  name: string;
  signals: readonly CompiledSignal[];
}

/** One clause that hit, with the evidence line that made it hit. */
export interface SignalHit {
  signal: string;
  kind: EvidenceKind;
  source: string;
  line: string;
  isCounter: boolean;
  /** What the clause added to (or, for counter-signals, took from) the score. */
  weight: number;
}

/** A skill whose signals hit, best first in a result list. */
export interface SkillMatch {
  name: string;
  score: number;
  hits: SignalHit[];
}

/** How many skills carry each clause key; rarer clauses weigh more. */
export interface SignalRarity {
  total: number;
  documentFrequency: ReadonlyMap<string, number>;
}

export interface MatchOptions {
  /** Return at most this many skills (default 10). */
  limit?: number;
  /** Precomputed rarity over the whole catalog; computed from `skills` when absent. */
  rarity?: SignalRarity;
}

/** Longest evidence text we scan per item: bounds the cost of a huge log tail. */
const MAX_ITEM_TEXT = 20_000;
/** Longest matched line we hand back. */
const MAX_LINE = 240;
/** Hits reported per clause (the score counts a clause once). */
const HITS_PER_SIGNAL = 6;

/** A line cut at the last word boundary within `max`, marked ` …` (never mid-word). */
function clipAtWord(line: string, max: number): string {
  const room = line.slice(0, max - 2);
  const boundary = room.search(/\s\S*$/);
  return `${(boundary > 0 ? room.slice(0, boundary) : room).trimEnd()} …`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Builds the regexes of a parsed clause. Values match as whole words, case-insensitively. */
export function compileSignal(signal: Signal): CompiledSignal {
  const compiled: CompiledSignal = { signal, key: signalKey(signal), kinds: SIGNAL_KINDS[signal.kind] };
  if (signal.value !== undefined) {
    compiled.valueRegex = new RegExp(`(?:^|[^A-Za-z0-9_])${escapeRegex(signal.value)}(?:$|[^A-Za-z0-9_])`, 'i');
  }
  if (signal.pattern?.type === 'regex') compiled.patternRegex = new RegExp(signal.pattern.source, signal.pattern.flags);
  if (signal.pattern?.type === 'substring') compiled.patternText = signal.pattern.text.toLowerCase();
  return compiled;
}

/** Counts clause keys over a set of skills (one count per skill). */
export function computeRarity(skills: Iterable<MatchableSkill>): SignalRarity {
  const documentFrequency = new Map<string, number>();
  let total = 0;
  for (const skill of skills) {
    if (skill.signals.length === 0) continue;
    total += 1;
    for (const key of new Set(skill.signals.map((signal) => signal.key))) {
      documentFrequency.set(key, (documentFrequency.get(key) ?? 0) + 1);
    }
  }
  return { total, documentFrequency };
}

interface PreparedItem {
  item: EvidenceItem;
  text: string;
  lines: string[];
  lowerLines: string[];
}

function prepare(evidence: EvidenceBundle): Map<EvidenceKind, PreparedItem[]> {
  const byKind = new Map<EvidenceKind, PreparedItem[]>();
  for (const item of evidence) {
    const text = item.text.length > MAX_ITEM_TEXT ? item.text.slice(-MAX_ITEM_TEXT) : item.text;
    const lines = text.split('\n');
    const prepared = { item, text, lines, lowerLines: lines.map((line) => line.toLowerCase()) };
    const list = byKind.get(item.kind) ?? [];
    list.push(prepared);
    byKind.set(item.kind, list);
  }
  return byKind;
}

function findLine(prepared: PreparedItem, compiled: CompiledSignal): string | undefined {
  const test = (line: string, lower: string): boolean => {
    if (compiled.patternRegex) return compiled.patternRegex.test(line);
    if (compiled.patternText !== undefined) return lower.includes(compiled.patternText);
    return compiled.valueRegex?.test(line) ?? false;
  };
  if (compiled.valueRegex && !compiled.valueRegex.test(prepared.text)) return undefined;
  for (let index = 0; index < prepared.lines.length; index += 1) {
    const line = prepared.lines[index] ?? '';
    if (test(line, prepared.lowerLines[index] ?? '')) {
      const trimmed = line.trim();
      return trimmed.length > MAX_LINE ? clipAtWord(trimmed, MAX_LINE) : trimmed;
    }
  }
  // A value can sit on one line and the pattern on another line of the same item.
  if (compiled.patternRegex && compiled.patternRegex.test(prepared.text)) return prepared.lines[0]?.trim();
  return undefined;
}

/** The weight a clause carries in a catalog: base specificity times rarity. */
export function signalWeight(compiled: CompiledSignal, rarity: SignalRarity): number {
  const frequency = rarity.documentFrequency.get(compiled.key) ?? 1;
  const rarityFactor = 1 + Math.log(Math.max(rarity.total, 1) / Math.max(frequency, 1));
  return baseSpecificity(compiled.signal) * rarityFactor;
}

/**
 * Matches skills' signals against an evidence bundle. A skill is returned when at least one of
 * its positive clauses hits and its score (hit weights minus counter-signal weights) is above
 * zero; results are ranked by score, then by number of hits, then by name.
 */
export function matchSignals(
  skills: readonly MatchableSkill[],
  evidence: EvidenceBundle,
  options: MatchOptions = {},
): SkillMatch[] {
  const rarity = options.rarity ?? computeRarity(skills);
  const byKind = prepare(evidence);
  const matches: SkillMatch[] = [];
  for (const skill of skills) {
    let score = 0;
    let positives = 0;
    const hits: SignalHit[] = [];
    for (const compiled of skill.signals) {
      const found: SignalHit[] = [];
      for (const kind of compiled.kinds) {
        for (const prepared of byKind.get(kind) ?? []) {
          const line = findLine(prepared, compiled);
          if (line === undefined) continue;
          found.push({
            signal: compiled.signal.raw,
            kind,
            source: prepared.item.source,
            line,
            isCounter: compiled.signal.isCounter,
            weight: 0,
          });
          if (found.length >= HITS_PER_SIGNAL) break;
        }
        if (found.length >= HITS_PER_SIGNAL) break;
      }
      if (found.length === 0) continue;
      const weight = signalWeight(compiled, rarity);
      for (const hit of found) hit.weight = compiled.signal.isCounter ? -weight : weight;
      if (compiled.signal.isCounter) score -= weight;
      else {
        score += weight;
        positives += 1;
      }
      hits.push(...found);
    }
    if (positives > 0 && score > 0) matches.push({ name: skill.name, score: Math.round(score * 1000) / 1000, hits });
  }
  matches.sort(
    (left, right) =>
      right.score - left.score || right.hits.length - left.hits.length || left.name.localeCompare(right.name),
  );
  return matches.slice(0, options.limit ?? 10);
}
