import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { LineCounter, parseAllDocuments, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { resolveScenarioTime } from '../sandbox-clock.js';
import { estateSchema, scenarioSchema, type Scenario } from './scenario-schema.js';

/** A scenario file that cannot be used; the message lists every problem as `file:line: path: message`. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

interface ParsedFile {
  file: string;
  value: Record<string, unknown>;
  document: Document;
  lines: LineCounter;
}

async function parseFile(file: string): Promise<ParsedFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ScenarioError([`${file}: cannot read: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ScenarioError(
      document.errors.map((error) => {
        const line = error.linePos?.[0]?.line;
        return `${file}${line ? `:${line}` : ''}: ${error.message.split('\n')[0] ?? error.message}`;
      }),
    );
  }
  const value: unknown = document.toJSON();
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new ScenarioError([`${file}: expected a mapping at the top level`]);
  return { file, value: value as Record<string, unknown>, document, lines };
}

function locate(parsed: ParsedFile | undefined, path: readonly PropertyKey[]): string {
  if (!parsed) return '';
  for (let length = path.length; length >= 0; length--) {
    const node: unknown = parsed.document.getIn(
      path.slice(0, length).map((key) => (typeof key === 'symbol' ? String(key) : key)),
      true,
    );
    if (isNode(node) && node.range) return `:${parsed.lines.linePos(node.range[0]).line}`;
  }
  return '';
}

function formatIssues(issues: readonly z.core.$ZodIssue[], file: string, parsed: ParsedFile | undefined): string[] {
  return issues.map((issue) => {
    const path = issue.path
      .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
      .join('')
      .replace(/^\./, '');
    return `${file}${locate(parsed, issue.path)}: ${path || '(top level)'}: ${issue.message}`;
  });
}

type Named = { name: string };

function mergeByName<T extends Named>(base: readonly T[], own: readonly T[], merge: (a: T, b: T) => T): T[] {
  const out = [...base];
  for (const item of own) {
    const index = out.findIndex((candidate) => candidate.name === item.name);
    if (index >= 0) out[index] = merge(out[index] as T, item);
    else out.push(item);
  }
  return out;
}

function asArray(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? (value as Array<Record<string, unknown>>) : [];
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * Merges a scenario over its base estate: clusters and Argo CD instances merge by name (lists
 * inside concatenate), base commits come first, images with the same repository are overridden.
 */
function mergeWithBase(base: Record<string, unknown>, own: Record<string, unknown>): Record<string, unknown> {
  const clusters = mergeByName(
    asArray(base.clusters) as unknown as Named[],
    asArray(own.clusters) as unknown as Named[],
    (a, b) => {
      const left = a as unknown as Record<string, unknown>;
      const right = b as unknown as Record<string, unknown>;
      return {
        ...left,
        ...right,
        namespaces: [...new Set([...asArray(left.namespaces), ...asArray(right.namespaces)])],
        objects: [...asArray(left.objects), ...asArray(right.objects)],
        policies: [...asArray(left.policies), ...asArray(right.policies)],
      } as unknown as Named;
    },
  );
  const argocd = mergeByName(
    asArray(base.argocd) as unknown as Named[],
    asArray(own.argocd) as unknown as Named[],
    (a, b) => {
      const left = a as unknown as Record<string, unknown>;
      const right = b as unknown as Record<string, unknown>;
      return { ...left, ...right, apps: [...asArray(left.apps), ...asArray(right.apps)] } as unknown as Named;
    },
  );
  const ownImages = asArray(own.images);
  const images = [
    ...asArray(base.images).filter(
      (image) => !ownImages.some((candidate) => candidate.repository === image.repository),
    ),
    ...ownImages,
  ];
  const baseGit = asRecord(base.git);
  const ownGit = asRecord(own.git);
  return {
    ...base,
    ...own,
    clusters,
    argocd,
    images,
    git: { ...baseGit, ...ownGit, commits: [...asArray(baseGit.commits), ...asArray(ownGit.commits)] },
    noise: { events: [...asArray(asRecord(base.noise).events), ...asArray(asRecord(own.noise).events)] },
    changes: [...asArray(base.changes), ...asArray(own.changes)],
  };
}

/** Cross-field checks the schema cannot express (references between sections). */
function checkReferences(scenario: Scenario, file: string): string[] {
  const problems: string[] = [];
  const clusters = new Set(scenario.clusters.map((cluster) => cluster.name));
  const instances = new Map(scenario.argocd.map((instance) => [instance.name, instance]));
  if (instances.size !== scenario.argocd.length) problems.push(`${file}: argocd: instance names must be unique`);
  for (const instance of scenario.argocd) {
    const names = new Set<string>();
    for (const app of instance.apps) {
      if (names.has(app.name))
        problems.push(`${file}: argocd.${instance.name}.apps.${app.name}: declared twice on this instance`);
      names.add(app.name);
      if (!clusters.has(app.destination.cluster))
        problems.push(
          `${file}: argocd.${instance.name}.apps.${app.name}.destination.cluster: unknown cluster ` +
            `'${app.destination.cluster}'`,
        );
    }
  }
  for (const [index, event] of scenario.noise.events.entries()) {
    if (!clusters.has(event.cluster))
      problems.push(`${file}: noise.events[${index}].cluster: unknown cluster '${event.cluster}'`);
  }
  for (const [index, change] of scenario.changes.entries()) {
    if (!clusters.has(change.cluster))
      problems.push(`${file}: changes[${index}].cluster: unknown cluster '${change.cluster}'`);
  }
  const expected = instances.get(scenario.expect.app.instance);
  if (!expected)
    problems.push(`${file}: expect.app.instance: unknown Argo CD instance '${scenario.expect.app.instance}'`);
  else if (!expected.apps.some((app) => app.name === scenario.expect.app.name)) {
    problems.push(`${file}: expect.app.name: no app '${scenario.expect.app.name}' on ${scenario.expect.app.instance}`);
  }
  if (scenario.git.commits.length === 0) problems.push(`${file}: git.commits: at least one commit is needed`);
  const head = filesAtHead(scenario);
  for (const [index, edit] of (scenario.expect.heal?.edits ?? []).entries()) {
    if (!('find' in edit)) continue;
    const content = head.get(edit.path);
    if (content === undefined)
      problems.push(`${file}: expect.heal.edits[${index}].path: '${edit.path}' does not exist at the last commit`);
    else if (!content.includes(edit.find))
      problems.push(`${file}: expect.heal.edits[${index}].find: text not found in ${edit.path} at the last commit`);
    else head.set(edit.path, content.split(edit.find).join(edit.replace));
  }
  for (const edit of scenario.expect.heal?.edits ?? []) {
    if ('content' in edit) head.set(edit.path, edit.content);
    const fixed = head.get(edit.path) ?? '';
    const broken = parseAllDocuments(fixed).flatMap((document) => document.errors);
    if (/\.ya?ml$/.test(edit.path) && broken.length > 0) {
      problems.push(
        `${file}: expect.heal: ${edit.path} is not valid YAML after the fix: ` +
          `${broken[0]?.message.split('\n')[0] ?? ''}`,
      );
    }
  }
  return problems;
}

/** Files at the newest commit (commits ordered by time, like the sandbox writes them). */
export function filesAtHead(scenario: Scenario): Map<string, string> {
  const reference = new Date('2030-01-01T00:00:00Z');
  const commits = [...scenario.git.commits].sort(
    (a, b) => resolveScenarioTime(a.date, reference).getTime() - resolveScenarioTime(b.date, reference).getTime(),
  );
  const files = new Map<string, string>();
  for (const commit of commits) {
    for (const [path, content] of Object.entries(commit.files)) files.set(path, content);
    for (const path of commit.delete) {
      for (const existing of [...files.keys()])
        if (existing === path || existing.startsWith(`${path}/`)) files.delete(existing);
    }
  }
  return files;
}

/** Loads, merges (`base:`), validates and cross-checks one scenario file. */
export async function loadScenarioFile(file: string): Promise<Scenario> {
  const own = await parseFile(file);
  let merged = own.value;
  const baseRef = own.value.base;
  if (baseRef !== undefined) {
    if (typeof baseRef !== 'string')
      throw new ScenarioError([`${file}${locate(own, ['base'])}: base: must be a path relative to the scenario file`]);
    const baseFile = resolve(dirname(file), baseRef);
    const base = await parseFile(baseFile);
    const checked = estateSchema.safeParse(base.value);
    if (!checked.success) throw new ScenarioError(formatIssues(checked.error.issues, baseFile, base));
    merged = mergeWithBase(base.value, own.value);
    delete merged.base;
  }
  const result = scenarioSchema.safeParse(merged);
  if (!result.success) throw new ScenarioError(formatIssues(result.error.issues, file, own));
  const problems = checkReferences(result.data, file);
  if (problems.length > 0) throw new ScenarioError(problems);
  return result.data;
}

/** Scenario files in a directory (top level `*.yaml`, sorted; `base/` holds shared estates). */
export async function listScenarioFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(dir, entry.name))
    .sort();
}

/** Resolves a scenario name (file name without extension) in `dir` and loads it. */
export async function loadScenarioByName(dir: string, name: string): Promise<Scenario> {
  const files = await listScenarioFiles(dir);
  const file = files.find((candidate) => basename(candidate).replace(/\.ya?ml$/, '') === name);
  if (!file) {
    const known = files.map((candidate) => basename(candidate).replace(/\.ya?ml$/, '')).join(', ');
    throw new ScenarioError([`no scenario named '${name}' in ${dir} (known: ${known})`]);
  }
  return loadScenarioFile(file);
}
