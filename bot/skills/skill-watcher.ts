import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../telemetry/logger.js';

/** What the watcher reports; the catalog decides what a change means. */
export interface SkillWatchHandlers {
  /** Something changed inside a skill folder (SKILL.md saved, replaced or removed). */
  onFolderChange: (rootIndex: number, folderName: string) => void;
  /** A folder was added to or removed from a root. */
  onRootChange: (rootIndex: number) => void;
}

/**
 * Watches skill roots with plain `fs.watch` (one watcher per root and per skill folder, no
 * recursive mode), debouncing bursts of events from editors that save in several steps.
 */
export class SkillWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private isClosed = false;

  constructor(
    private readonly roots: readonly string[],
    private readonly handlers: SkillWatchHandlers,
    private readonly debounceMs: number,
    private readonly logger?: Logger,
  ) {}

  watchRoot(rootIndex: number): void {
    const root = this.roots[rootIndex];
    if (root === undefined) return;
    this.open(`root:${rootIndex}`, root, () =>
      this.debounce(`root:${rootIndex}`, () => this.handlers.onRootChange(rootIndex)),
    );
  }

  watchFolder(rootIndex: number, folderName: string): void {
    const root = this.roots[rootIndex];
    if (root === undefined) return;
    const key = `folder:${rootIndex}:${folderName}`;
    if (this.watchers.has(key)) return;
    this.open(key, join(root, folderName), () =>
      this.debounce(key, () => this.handlers.onFolderChange(rootIndex, folderName)),
    );
  }

  unwatchFolder(rootIndex: number, folderName: string): void {
    const key = `folder:${rootIndex}:${folderName}`;
    this.watchers.get(key)?.close();
    this.watchers.delete(key);
  }

  close(): void {
    this.isClosed = true;
    for (const watcher of this.watchers.values()) watcher.close();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.watchers.clear();
    this.timers.clear();
  }

  private open(key: string, path: string, onEvent: () => void): void {
    if (this.isClosed) return;
    try {
      const watcher = watch(path, { persistent: false }, onEvent);
      watcher.on('error', (error) => {
        // The folder went away (deleted skill): the root watcher handles removal.
        this.logger?.debug({ event: 'skill-watch-error', path, err: error }, 'skill watcher closed');
        watcher.close();
        this.watchers.delete(key);
      });
      this.watchers.set(key, watcher);
    } catch (error) {
      this.logger?.warn({ event: 'skill-watch-error', path, err: error }, 'cannot watch skill path');
    }
  }

  private debounce(key: string, action: () => void): void {
    if (this.isClosed) return;
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!this.isClosed) action();
      }, this.debounceMs),
    );
  }
}
