import { existsSync, statSync } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { BotError } from '../errors.js';
import type { Logger } from '../telemetry/logger.js';
import type {
  IndexOptions,
  Skill,
  SkillCatalog,
  SkillCatalogError,
  SkillCatalogEvents,
  SkillSearchHit,
  SkillSummary,
} from './catalog-types.js';
import type { EvidenceBundle } from './evidence.js';
import { parseBodyStructure, type SkillSection } from './markdown-sections.js';
import { DEFAULT_INDEX_LIMIT, renderPromptIndex, type PromptIndex } from './prompt-index.js';
import { GitProvenance, type SkillCommit } from './provenance.js';
import { SearchIndex } from './search-index.js';
import { computeRarity, matchSignals, type SignalRarity, type SkillMatch } from './signal-matcher.js';
import { loadSkillFolder, type LoadedSkill, type SkillLoadFailure } from './skill-loader.js';
import { REFERENCES_DIR, SKILL_FILE } from './skill-spec.js';
import { SkillWatcher } from './skill-watcher.js';

export interface SkillCatalogOptions {
  /** Skill roots, lowest priority first: a skill in a later root overrides one of the same name. */
  roots: readonly string[];
  /** Reload on file changes (default false). */
  watch?: boolean;
  logger?: Logger;
  /** Link hosts the security scan accepts; defaults to DEFAULT_URL_ALLOW_LIST. */
  urlAllowList?: readonly string[];
  /** Quiet time after a file event before reloading (default 50 ms). */
  debounceMs?: number;
}

/** Largest reference file served (keeps one on-demand read from flooding a prompt). */
const MAX_REFERENCE_BYTES = 256 * 1024;

interface Slot {
  current?: LoadedSkill;
  failure?: SkillLoadFailure;
}

type Listeners = { [E in keyof SkillCatalogEvents]: Set<(payload: SkillCatalogEvents[E]) => void> };

class FileSkillCatalog implements SkillCatalog {
  private readonly roots: string[];
  /** slots[rootIndex] maps folder name to what that root holds. */
  private readonly slots: Array<Map<string, Slot>>;
  private readonly served = new Map<string, LoadedSkill>();
  private readonly searchIndex = new SearchIndex();
  private readonly sections = new Map<string, SkillSection[]>();
  private readonly git = new GitProvenance();
  private readonly listeners: Listeners = { 'skill-update': new Set(), 'skill-error': new Set() };
  private rarity: SignalRarity = { total: 0, documentFrequency: new Map() };
  private watcher: SkillWatcher | undefined;
  /** Serialises reloads so file events never interleave. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: SkillCatalogOptions) {
    this.roots = options.roots.map((root) => resolve(root));
    this.slots = this.roots.map(() => new Map());
  }

  async start(): Promise<void> {
    for (const root of this.roots) {
      if (!existsSync(root) || !statSync(root).isDirectory()) {
        throw new BotError(
          'config_invalid',
          `skills root '${root}' is not a directory; create it or fix the skills path`,
        );
      }
    }
    await Promise.all(this.roots.map((_, rootIndex) => this.scanRoot(rootIndex, false)));
    this.refreshAll();
    if (this.options.watch) {
      this.watcher = new SkillWatcher(
        this.roots,
        {
          onFolderChange: (rootIndex, folderName) => this.enqueue(() => this.reloadFolder(rootIndex, folderName)),
          onRootChange: (rootIndex) => this.enqueue(() => this.rescanRoot(rootIndex)),
        },
        this.options.debounceMs ?? 50,
        this.options.logger,
      );
      this.roots.forEach((_, rootIndex) => {
        this.watcher?.watchRoot(rootIndex);
        for (const folderName of this.slots[rootIndex]?.keys() ?? []) this.watcher?.watchFolder(rootIndex, folderName);
      });
    }
    this.options.logger?.info(
      { event: 'skills-load', skills: this.served.size, errors: this.errors().length, roots: this.roots },
      'skills loaded',
    );
  }

  list(): SkillSummary[] {
    return [...this.served.values()]
      .map((skill) => this.summary(skill))
      .sort((left, right) => left.name.localeCompare(right.name));
  }

  index(options: IndexOptions = {}): PromptIndex {
    const limit = options.limit ?? DEFAULT_INDEX_LIMIT;
    const all = [...this.served.values()];
    const ranked: LoadedSkill[] = [];
    const seen = new Set<string>();
    const add = (name: string): void => {
      const skill = this.served.get(name);
      if (skill && !seen.has(name)) {
        seen.add(name);
        ranked.push(skill);
      }
    };
    if (all.length > limit) {
      if (options.evidence) for (const match of this.match(options.evidence, { limit })) add(match.name);
      if (options.query) for (const hit of this.searchIndex.search(options.query, limit)) add(hit.name);
      if (!options.evidence && !options.query)
        for (const skill of all.sort((l, r) => l.name.localeCompare(r.name))) add(skill.name);
    }
    return renderPromptIndex(all, ranked, limit);
  }

  get(name: string): Skill | undefined {
    const skill = this.served.get(name);
    if (!skill) return undefined;
    let sections = this.sections.get(skill.sha256);
    if (!sections) {
      sections = parseBodyStructure(skill.body, skill.bodyStartLine).sections;
      this.sections.set(skill.sha256, sections);
    }
    const full: Skill = {
      ...this.summary(skill),
      allowedTools: [...skill.allowedTools],
      metadata: skill.metadata,
      signals: skill.signalsText,
      body: skill.body,
      sections,
    };
    if (skill.license !== undefined) full.license = skill.license;
    if (skill.compatibility !== undefined) full.compatibility = skill.compatibility;
    return full;
  }

  async listReferences(name: string): Promise<string[]> {
    const skill = this.require(name);
    const dir = join(skill.folder, REFERENCES_DIR);
    if (!existsSync(dir)) return [];
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(skill.folder, join(entry.parentPath, entry.name)).split(sep).join('/'))
      .sort();
  }

  async readReference(name: string, path: string): Promise<string> {
    const skill = this.require(name);
    const wanted = path.replace(/\\/g, '/');
    if (wanted.startsWith('/') || wanted.split('/').includes('..') || wanted.includes('\0')) {
      throw new BotError('invalid_input', `reference '${path}' must be a relative path inside the skill folder`);
    }
    const relativePath =
      wanted.startsWith(`${REFERENCES_DIR}/`) || wanted === SKILL_FILE ? wanted : `${REFERENCES_DIR}/${wanted}`;
    const target = resolve(skill.folder, relativePath);
    let real: string;
    try {
      real = await realpath(target);
    } catch {
      const available = await this.listReferences(name);
      throw new BotError(
        'not_found',
        `skill '${name}' has no reference '${path}'${available.length ? `; it has ${available.join(', ')}` : ''}`,
      );
    }
    const folder = await realpath(skill.folder);
    // A symlink inside references/ must not lead out of the skill folder.
    if (!real.startsWith(`${folder}${sep}`)) {
      throw new BotError('invalid_input', `reference '${path}' resolves outside the skill folder`);
    }
    const info = await stat(real);
    if (!info.isFile()) throw new BotError('invalid_input', `reference '${path}' is not a file`);
    if (info.size > MAX_REFERENCE_BYTES) {
      throw new BotError(
        'invalid_input',
        `reference '${path}' is ${info.size} bytes; at most ${MAX_REFERENCE_BYTES} are served`,
      );
    }
    return readFile(real, 'utf8');
  }

  match(evidence: EvidenceBundle, options: { limit?: number } = {}): SkillMatch[] {
    return matchSignals([...this.served.values()], evidence, { rarity: this.rarity, limit: options.limit ?? 10 });
  }

  search(query: string, options: { limit?: number } = {}): SkillSearchHit[] {
    return this.searchIndex.search(query, options.limit ?? 10).flatMap((hit) => {
      const skill = this.served.get(hit.name);
      return skill ? [{ name: skill.name, description: skill.description, score: hit.score }] : [];
    });
  }

  lastCommit(name: string): Promise<SkillCommit | undefined> {
    const skill = this.require(name);
    return this.git.lastCommit(skill.path, skill.sha256);
  }

  errors(): SkillCatalogError[] {
    const errors: SkillCatalogError[] = [];
    this.slots.forEach((slots) => {
      for (const [name, slot] of slots) if (slot.failure) errors.push(this.describeFailure(name, slot));
    });
    return errors.sort((left, right) => left.path.localeCompare(right.path));
  }

  on<E extends keyof SkillCatalogEvents>(event: E, listener: (payload: SkillCatalogEvents[E]) => void): () => void {
    const set = this.listeners[event] as Set<(payload: SkillCatalogEvents[E]) => void>;
    set.add(listener);
    return () => set.delete(listener);
  }

  reload(): Promise<void> {
    return this.enqueue(async () => {
      for (let rootIndex = 0; rootIndex < this.roots.length; rootIndex += 1) await this.rescanRoot(rootIndex);
    });
  }

  async close(): Promise<void> {
    this.watcher?.close();
    this.watcher = undefined;
    await this.queue;
  }

  private summary(skill: LoadedSkill): SkillSummary {
    const shadows: string[] = [];
    for (let rootIndex = 0; rootIndex < this.roots.length; rootIndex += 1) {
      const other = this.slots[rootIndex]?.get(skill.name)?.current;
      if (other && other.path !== skill.path) shadows.push(other.path);
    }
    const summary: SkillSummary = {
      name: skill.name,
      description: skill.description,
      provenance: { path: skill.path, root: skill.root, sha256: skill.sha256, shadows },
    };
    if (skill.owner !== undefined) summary.owner = skill.owner;
    if (skill.severity !== undefined) summary.severity = skill.severity;
    return summary;
  }

  private require(name: string): LoadedSkill {
    const skill = this.served.get(name);
    if (!skill) throw new BotError('not_found', `no skill named '${name}'; search_skills lists what exists`);
    return skill;
  }

  private describeFailure(name: string, slot: Slot): SkillCatalogError {
    const failure = slot.failure as SkillLoadFailure; // only called for slots with a failure
    const error: SkillCatalogError = { name, path: failure.path, root: failure.root, issues: failure.issues };
    if (slot.current) error.servedSha256 = slot.current.sha256;
    return error;
  }

  private enqueue(action: () => Promise<void>): Promise<void> {
    const next = this.queue.then(action).catch((error: unknown) => {
      this.options.logger?.error({ event: 'skills-reload-error', err: error }, 'skill reload failed');
    });
    this.queue = next;
    return next;
  }

  private async listFolders(rootIndex: number): Promise<string[]> {
    const root = this.roots[rootIndex] ?? '';
    const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
    return entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name);
  }

  /** Loads every folder of a root into its slots (initial load). */
  private async scanRoot(rootIndex: number, announce: boolean): Promise<void> {
    const folders = await this.listFolders(rootIndex);
    await Promise.all(folders.map((folderName) => this.loadInto(rootIndex, folderName, announce)));
  }

  /** After a root-level event: load new folders, drop removed ones, re-check the rest. */
  private async rescanRoot(rootIndex: number): Promise<void> {
    const folders = new Set(await this.listFolders(rootIndex));
    const slots = this.slots[rootIndex];
    for (const name of [...(slots?.keys() ?? [])]) {
      if (!folders.has(name)) await this.reloadFolder(rootIndex, name);
    }
    for (const name of folders) await this.reloadFolder(rootIndex, name);
  }

  private async reloadFolder(rootIndex: number, folderName: string): Promise<void> {
    await this.loadInto(rootIndex, folderName, true);
    this.refresh(folderName, true);
  }

  private async loadInto(rootIndex: number, folderName: string, announce: boolean): Promise<void> {
    const root = this.roots[rootIndex] ?? '';
    const slots = this.slots[rootIndex];
    if (!slots) return;
    const folder = join(root, folderName);
    if (!existsSync(join(folder, SKILL_FILE))) {
      // Not a skill (yet or any more): forget it. A folder without SKILL.md is `skills lint`'s business.
      if (slots.delete(folderName)) this.watcher?.unwatchFolder(rootIndex, folderName);
      if (existsSync(folder)) this.watcher?.watchFolder(rootIndex, folderName);
      return;
    }
    const previous = slots.get(folderName);
    const previousSha = previous?.current?.sha256;
    const result = await loadSkillFolder(folder, root, this.options.urlAllowList);
    if ('skill' in result) {
      slots.set(folderName, { current: result.skill });
      if (announce && previous?.failure) {
        this.options.logger?.info(
          { event: 'skill-error-resolved', skill: folderName, path: result.skill.path },
          'skill valid again',
        );
      }
      if (announce && previousSha !== result.skill.sha256)
        this.options.logger?.info({ event: 'skill-reload', skill: folderName }, 'skill reloaded');
    } else {
      const slot: Slot = { failure: result.failure };
      if (previous?.current) slot.current = previous.current;
      slots.set(folderName, slot);
      const error = this.describeFailure(folderName, slot);
      this.options.logger?.warn(
        {
          event: 'skill-load-error',
          skill: folderName,
          path: error.path,
          issues: error.issues.length,
          servedSha256: error.servedSha256,
        },
        'skill failed validation',
      );
      if (announce) for (const listener of this.listeners['skill-error']) listener(error);
    }
    this.watcher?.watchFolder(rootIndex, folderName);
  }

  /** The version of `name` to serve: the highest-priority root holding a valid one. */
  private effective(name: string): LoadedSkill | undefined {
    for (let rootIndex = this.roots.length - 1; rootIndex >= 0; rootIndex -= 1) {
      const current = this.slots[rootIndex]?.get(name)?.current;
      if (current) return current;
    }
    return undefined;
  }

  private refreshAll(): void {
    const names = new Set(this.slots.flatMap((slots) => [...slots.keys()]));
    for (const name of names) this.refresh(name, false);
  }

  private refresh(name: string, announce: boolean): void {
    const before = this.served.get(name);
    const after = this.effective(name);
    if (before?.sha256 === after?.sha256 && before?.path === after?.path) return;
    if (after) {
      this.served.set(name, after);
      this.searchIndex.upsert({ name, description: after.description, signals: after.signalsText, body: after.body });
    } else {
      this.served.delete(name);
      this.searchIndex.remove(name);
    }
    if (before) this.sections.delete(before.sha256);
    if (!announce) return;
    this.rarity = computeRarity(this.served.values());
    const change = !before ? 'added' : !after ? 'removed' : 'updated';
    for (const listener of this.listeners['skill-update']) {
      listener(after ? { name, change, sha256: after.sha256 } : { name, change });
    }
  }

  /** Called once after the initial load (refresh skips rarity until then). */
  computeRarity(): void {
    this.rarity = computeRarity(this.served.values());
  }
}

/**
 * Loads skills from one or more roots and serves them (index, bodies, references, signal
 * matching, search), reloading on file changes when `watch` is set. Roots later in the list
 * override earlier ones. Invalid files are not served; an invalid edit of a valid skill keeps
 * the last good version served and shows up in `errors()` and as a `skill-error` event.
 */
export async function createSkillCatalog(options: SkillCatalogOptions): Promise<SkillCatalog> {
  const catalog = new FileSkillCatalog(options);
  await catalog.start();
  catalog.computeRarity();
  return catalog;
}
