import { BotError } from '../errors.js';
import type { AppStatus } from './app-status.js';
import type { ClusterFacts } from './cluster-facts.js';
import {
  insertEntry,
  loadDocuments,
  replaceMapping,
  replaceScalar,
  verifyOnlyIntendedChanges,
  formatYamlPath,
  type YamlPath,
} from './yaml-edit.js';
import type { PlannedEdit, PlannedFile } from './fix-plan.js';
import { valueAt, type SourceDocument, type SourceTree } from './source-tree.js';

/** What every recipe sees: the app, the source now, and the source when it last ran healthy. */
export interface RecipeContext {
  app: { instance: string; name: string };
  status: AppStatus;
  current: SourceTree;
  healthy?: SourceTree;
  /** StorageClasses that exist on the app's cluster, when the diagnosis needed them. */
  storageClasses?: readonly string[];
  /** Quotas, LimitRanges and policies of the app's namespace, when the diagnosis needed them. */
  cluster?: ClusterFacts;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects scalar edits per file, applying each byte-minimally and verifying the result. */
export class EditSet {
  private readonly texts = new Map<string, { before: string; after: string; intended: string[] }>();
  readonly edits: PlannedEdit[] = [];

  constructor(private readonly tree: SourceTree) {}

  /** Why this document may not be edited, or undefined when it may. */
  static refusal(document: SourceDocument): string | undefined {
    const kind = String(document.value['kind'] ?? '');
    if (document.isShared)
      return (
        `the value comes from ${document.file}, outside the app's path, which other apps may share; ` +
        'change it in an overlay by hand'
      );
    if (kind === 'Secret')
      return `the value is in the Secret ${document.file}; secret values are never edited by the bot`;
    if (kind === 'Application' || kind === 'ApplicationSet')
      return `the value is set in the Argo CD ${kind} itself (${document.file}); edit it by hand`;
    return undefined;
  }

  set(file: string, document: number, path: YamlPath, value: string | number, before: unknown): void {
    const entry = this.texts.get(file) ?? { before: this.tree.files.get(file) ?? '', after: '', intended: [] };
    if (!entry.after) entry.after = entry.before;
    const next = replaceScalar(entry.after, { file, document, path, value });
    const shown = formatYamlPath(path);
    entry.after = next;
    entry.intended.push(`doc[${document}].${shown}`);
    this.texts.set(file, entry);
    this.edits.push({ file, path: shown, before: String(before), after: String(value) });
  }

  /**
   * Sets `path` to `value`: the scalar in place when it exists, else one new entry in the deepest
   * mapping on the path that exists (the missing mappings below it written as one nested value).
   */
  put(file: string, document: number, path: YamlPath, value: string | number | Record<string, unknown>): void {
    const entry = this.texts.get(file) ?? { before: this.tree.files.get(file) ?? '', after: '', intended: [] };
    if (!entry.after) entry.after = entry.before;
    const parsed = loadDocuments(entry.after, file)[document];
    const existing = valueAt(parsed, path);
    if (existing !== undefined) {
      if (typeof value === 'object')
        throw new BotError('internal', `${file}: ${formatYamlPath(path)} exists; only absent fields take a mapping`);
      this.texts.set(file, entry);
      return this.set(file, document, path, value, existing);
    }
    let depth = path.length - 1;
    while (depth > 0 && !isRecord(valueAt(parsed, path.slice(0, depth)))) depth--;
    const key = path[depth];
    if (typeof key !== 'string' || !isRecord(valueAt(parsed, path.slice(0, depth))))
      throw new BotError('internal', `${file}: no mapping to add ${formatYamlPath(path)} to`);
    const nested = path
      .slice(depth + 1)
      .reverse()
      .reduce<unknown>((inner, part) => ({ [String(part)]: inner }), value);
    entry.after = insertEntry(entry.after, { file, document, path: path.slice(0, depth), key, value: nested });
    entry.intended.push(`doc[${document}].${formatYamlPath(path.slice(0, depth + 1))}`);
    this.texts.set(file, entry);
    const shown = typeof value === 'object' ? JSON.stringify(value) : String(value);
    this.edits.push({ file, path: formatYamlPath(path), before: '(not set)', after: shown });
  }

  /** Replaces a mapping of scalars (a selector) with `entries`; the changed keys are the intended paths. */
  setMapping(
    file: string,
    document: number,
    path: YamlPath,
    entries: Readonly<Record<string, string>>,
    before: Readonly<Record<string, unknown>>,
  ): void {
    const entry = this.texts.get(file) ?? { before: this.tree.files.get(file) ?? '', after: '', intended: [] };
    if (!entry.after) entry.after = entry.before;
    entry.after = replaceMapping(entry.after, { file, document, path, entries });
    const shown = formatYamlPath(path);
    for (const key of new Set([...Object.keys(before), ...Object.keys(entries)]))
      if (String(before[key] ?? '') !== (entries[key] ?? '')) entry.intended.push(`doc[${document}].${shown}.${key}`);
    this.texts.set(file, entry);
    const show = (map: Readonly<Record<string, unknown>>) =>
      Object.entries(map)
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(',');
    this.edits.push({ file, path: shown, before: show(before), after: show(entries) });
  }

  /** The changed files, each verified to differ in exactly the intended paths. */
  files(): PlannedFile[] {
    return [...this.texts.entries()].map(([path, entry]) => {
      verifyOnlyIntendedChanges(entry.before, entry.after, entry.intended, path);
      return { path, before: entry.before, after: entry.after };
    });
  }
}
