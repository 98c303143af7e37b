import type { RecipeResult } from '../fix-plan.js';
import { EditSet, type RecipeContext } from '../recipe-context.js';
import {
  containerHome,
  containersOf,
  documentKey,
  fieldSource,
  valueAt,
  type SourceDocument,
  type SourceTree,
} from '../source-tree.js';
import type { YamlPath } from '../yaml-edit.js';
import { effectiveImage, splitImage } from './image-tag.js';

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Kyverno's wildcards: `*` any run, `?` one character. */
function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** Whether a scalar satisfies a Kyverno pattern value (`?*`, `*:*`, `!*:latest`, `a | b`, `>0`). */
export function scalarMatches(pattern: unknown, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof pattern !== 'string') return String(pattern) === String(value);
  return pattern.split('|').some((alternative) => {
    const text = alternative.trim();
    const number = Number(String(value));
    const comparison = /^(>=|<=|>|<)(-?\d+(?:\.\d+)?)$/.exec(text);
    if (comparison) {
      const bound = Number(comparison[2]);
      const op = comparison[1];
      return op === '>'
        ? number > bound
        : op === '<'
          ? number < bound
          : op === '>='
            ? number >= bound
            : number <= bound;
    }
    if (text.startsWith('!')) return !globMatches(text.slice(1), String(value));
    return globMatches(text, String(value));
  });
}

/** One place where a resource does not meet a rule's pattern: the field path and the pattern it needs. */
export interface PolicyGap {
  /** Path in the checked object (the Pod template or the workload). */
  path: YamlPath;
  pattern: unknown;
  actual: unknown;
}

/**
 * Where `target` does not meet a Kyverno validate `pattern`: missing required fields and values that
 * do not match, down to the leaves. `=(key)` (only checked when present) is followed; other anchors
 * are left to people.
 */
export function patternGaps(pattern: unknown, target: unknown, path: YamlPath = []): PolicyGap[] {
  if (Array.isArray(pattern)) {
    const items = Array.isArray(target) ? target : [];
    return pattern.flatMap((element) => items.flatMap((item, index) => patternGaps(element, item, [...path, index])));
  }
  if (typeof pattern === 'object' && pattern !== null) {
    const object = record(target);
    return Object.entries(pattern).flatMap(([rawKey, inner]) => {
      const optional = /^=\((.+)\)$/.exec(rawKey);
      const key = optional?.[1] ?? rawKey;
      if (/[()^]/.test(key)) return [];
      if (optional && object[key] === undefined) return [];
      // A missing probe is one gap (it is added whole); other missing mappings are followed to their leaves.
      if (object[key] === undefined && /Probe$/.test(key) && typeof inner === 'object' && !Array.isArray(inner))
        return [{ path: [...path, key], pattern: inner, actual: undefined }];
      return patternGaps(inner, object[key], [...path, key]);
    });
  }
  return scalarMatches(pattern, target) ? [] : [{ path, pattern, actual: target }];
}

interface Rule {
  policy: string;
  kinds: string[];
  pattern: unknown;
}

function rulesOf(policies: ReadonlyArray<Record<string, unknown>>): Rule[] {
  return policies.flatMap((policy) => {
    const name = String(record(policy['metadata'])['name'] ?? '?');
    const rules = record(policy['spec'])['rules'];
    return (Array.isArray(rules) ? rules : []).flatMap((rule) => {
      const validate = record(record(rule)['validate']);
      if (validate['pattern'] === undefined) return [];
      const match = record(record(rule)['match']);
      const blocks = [
        ...(Array.isArray(match['any']) ? match['any'] : []),
        ...(Array.isArray(match['all']) ? match['all'] : []),
        match,
      ];
      const kinds = blocks.flatMap((block) => {
        const listed = record(record(block)['resources'])['kinds'];
        return Array.isArray(listed) ? listed.map(String) : [];
      });
      return [{ policy: name, kinds, pattern: validate['pattern'] }];
    });
  });
}

const TEMPLATE: YamlPath = ['spec', 'template'];

/** A value for a field the policy requires, from data: the healthy revision, the app, the container. */
function valueFor(
  context: RecipeContext,
  workload: SourceDocument,
  base: YamlPath,
  gap: PolicyGap,
): { value: unknown; why: string } | undefined {
  const key = documentKey(workload.value);
  const full = [...base, ...gap.path];
  const healthyDocument = context.healthy?.resources.find((document) => documentKey(document.value) === key);
  const old = healthyDocument ? valueAt(healthyDocument.value, full) : undefined;
  const fits = (value: unknown) =>
    typeof gap.pattern === 'object' ? patternGaps(gap.pattern, value).length === 0 : scalarMatches(gap.pattern, value);
  if (old !== undefined && fits(old))
    return { value: old, why: `as at ${context.healthy?.revision.slice(0, 7) ?? ''}` };
  const label = gap.path.at(-1);
  if (gap.path.at(-2) === 'labels' && typeof label === 'string') {
    const own = context.status.labels[label];
    if (own !== undefined && fits(own)) return { value: own, why: `the Argo CD app's own ${label} label` };
    const sibling = [
      valueAt(workload.value, ['metadata', 'labels', label]),
      valueAt(workload.value, [...TEMPLATE, 'metadata', 'labels', label]),
    ].find((value) => value !== undefined && fits(value));
    if (sibling !== undefined) return { value: sibling, why: `the workload's other ${label} label` };
  }
  const containerIndex = gap.path.indexOf('containers');
  const container =
    containerIndex >= 0 ? record(valueAt(workload.value, [...base, ...gap.path.slice(0, containerIndex + 2)])) : {};
  const field = gap.path.at(-1);
  if (gap.path.at(-3) === 'resources' && typeof field === 'string') {
    const other = gap.path.at(-2) === 'limits' ? 'requests' : 'limits';
    const value = valueAt(container, ['resources', other, field]);
    if (value !== undefined && fits(value))
      return { value, why: `equal to its ${other === 'requests' ? 'request' : 'limit'}` };
  }
  if (typeof field === 'string' && /Probe$/.test(field)) {
    const port = valueAt(container, ['ports', 0, 'containerPort']);
    const probe = { tcpSocket: { port }, periodSeconds: 10 };
    if (port !== undefined && fits(probe)) return { value: probe, why: `a TCP check of its port ${String(port)}` };
  }
  if (field === 'image' && typeof gap.actual === 'string' && context.healthy) {
    const name = String(container['name'] ?? '');
    const before = effectiveImage(context.healthy, key, name);
    const image = before?.tag ? `${splitImage(gap.actual).repository}:${before.tag}` : undefined;
    if (image && fits(image)) return { value: image, why: `the tag it ran at ${context.healthy.revision.slice(0, 7)}` };
  }
  return undefined;
}

function show(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * What a Kyverno policy requires: each validate pattern of the namespace's policies is checked
 * against the app's workloads (Pod rules against the pod template, as Kyverno's autogen does), and
 * every gap gets the value the data gives — the last healthy revision's, the Argo CD app's own
 * label, the container's request as its limit, a TCP probe of its port, the tag it last ran. A gap
 * nothing gives a value for is handed to a person, naming the policy and the field.
 */
export function policyRequirementsRecipe(context: RecipeContext): RecipeResult {
  const rules = rulesOf(context.cluster?.policies ?? []);
  if (rules.length === 0) return undefined;
  const { current } = context;
  const edits = new EditSet(current);
  const reasons: string[] = [];
  const met = new Set<string>();
  for (const workload of current.resources) {
    if (containersOf(workload).length === 0) continue;
    const kind = String(workload.value['kind']);
    for (const rule of rules) {
      const base = rule.kinds.includes(kind) ? [] : rule.kinds.includes('Pod') ? TEMPLATE : undefined;
      if (!base) continue;
      const effective = effectiveDocument(current, workload);
      for (const gap of patternGaps(rule.pattern, valueAt(effective, base))) {
        const found = valueFor(context, workload, base, gap);
        const at = `${documentKey(workload.value)} ${[...base, ...gap.path].join('.')}`;
        if (!found)
          return {
            kind: 'handoff',
            reason: `policy ${rule.policy} requires ${at} to match ${show(gap.pattern)}, and no data says which value`,
          };
        const target = targetOf(current, workload, [...base, ...gap.path]);
        const refusal = EditSet.refusal(target.document);
        if (refusal) return { kind: 'handoff', reason: refusal };
        const value = typeof found.value === 'object' ? (found.value as Record<string, unknown>) : show(found.value);
        edits.put(
          target.document.file,
          target.document.index,
          target.path,
          typeof found.value === 'number' ? found.value : value,
        );
        reasons.push(
          `${at}: ${show(gap.actual ?? '(not set)')} → ${show(found.value)} (policy ${rule.policy}; ${found.why})`,
        );
      }
    }
  }
  if (edits.edits.length === 0) return undefined;
  const policiesMet = new Set(rules.map((rule) => rule.policy).filter((policy) => met.has(policy)));
  return {
    kind: 'edits',
    title: `${context.app.name}: meet policy ${[...policiesMet].join(', ')}`,
    rationale: `${reasons.join('; ')}.`,
    edits: edits.edits,
    files: edits.files(),
  };
}

/** The workload with the container fields its patches set (what the policy sees, near enough). */
function effectiveDocument(tree: SourceTree, workload: SourceDocument): Record<string, unknown> {
  const merged = structuredClone(workload.value);
  const key = documentKey(workload.value);
  for (const ref of containersOf(workload)) {
    const name = String(ref.container['name'] ?? '');
    for (const field of ['image', 'resources', 'readinessProbe', 'livenessProbe', 'startupProbe']) {
      const source = fieldSource(tree, key, name, [field]);
      const container = valueAt(merged, ref.path) as Record<string, unknown>;
      if (source && container) container[field] = source.value;
    }
  }
  return merged;
}

/** Which document and path to edit for a field of the workload: a container field where the container lives. */
function targetOf(
  tree: SourceTree,
  workload: SourceDocument,
  path: YamlPath,
): { document: SourceDocument; path: YamlPath } {
  const key = documentKey(workload.value);
  const at = path.indexOf('containers');
  if (at < 0) return { document: workload, path };
  const container = record(valueAt(workload.value, path.slice(0, at + 2)));
  const rest = path.slice(at + 2);
  const name = String(container['name'] ?? '');
  const source = fieldSource(tree, key, name, rest);
  if (source) return { document: source.document, path: source.path };
  const head = rest[0] === undefined ? undefined : fieldSource(tree, key, name, [rest[0]]);
  if (head) return { document: head.document, path: [...head.path, ...rest.slice(1)] };
  const home = containerHome(tree, key, name);
  return home ? { document: home.document, path: [...home.path, ...rest] } : { document: workload, path };
}
