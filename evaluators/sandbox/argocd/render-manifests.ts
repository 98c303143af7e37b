import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../kube/cluster-api.js';
import type { GitRepo } from '../git/git-repo.js';
import { HelmRenderError, renderHelmChart } from './render-helm.js';
import type { HelmSource } from './types.js';

const execFileAsync = promisify(execFile);

/** How a source path was rendered, as Argo CD reports it in `status.sourceType`. */
export type SourceType = 'Directory' | 'Kustomize' | 'Helm';

/** Rendered manifests of one source path at one revision. */
export interface RenderedSource {
  revision: string;
  sourceType: SourceType;
  objects: KubeObject[];
}

/** A manifest generation failure (bad YAML, kustomize error, missing path): a ComparisonError. */
export class ManifestGenerationError extends Error {
  override readonly name = 'ManifestGenerationError';
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

function isKubeObject(value: unknown): value is KubeObject {
  if (!value || typeof value !== 'object') return false;
  const candidate = value as Partial<KubeObject>;
  return (
    typeof candidate.apiVersion === 'string' &&
    typeof candidate.kind === 'string' &&
    typeof candidate.metadata?.name === 'string'
  );
}

/** Parses multi-document YAML (or JSON) into Kubernetes objects, expanding `kind: List`. */
export function parseManifests(text: string, file: string): KubeObject[] {
  if (file.endsWith('.json')) {
    // JSON is YAML too, but JSON.parse is two orders of magnitude faster (large estates).
    try {
      return expandList(JSON.parse(text) as unknown, file);
    } catch (error) {
      if (error instanceof ManifestGenerationError) throw error;
      throw new ManifestGenerationError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const objects: KubeObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) {
      throw new ManifestGenerationError(`${file}: ${document.errors[0]?.message ?? 'invalid YAML'}`);
    }
    objects.push(...expandList(document.toJSON() as unknown, file));
  }
  return objects;
}

/** One parsed document as objects: nothing for an empty document, items of a `kind: List`. */
function expandList(value: unknown, file: string): KubeObject[] {
  if (value === null || value === undefined) return [];
  const items =
    (value as { kind?: unknown }).kind === 'List' ? ((value as { items?: unknown[] }).items ?? []) : [value];
  return items.map((item) => {
    if (!isKubeObject(item))
      throw new ManifestGenerationError(`${file}: Object 'Kind' is missing in '${JSON.stringify(item).slice(0, 120)}'`);
    return item;
  });
}

/**
 * Renders Argo CD sources from the local git repo: a directory of YAML/JSON files (not recursive,
 * like Argo CD's default), or a kustomization rendered by the real `kubectl kustomize`.
 * Results are cached per (commit, path) since commits are immutable.
 */
export function createManifestRenderer(
  repo: GitRepo,
): (revision: string, path: string, helm?: HelmSource) => Promise<RenderedSource> {
  const cache = new Map<string, Promise<RenderedSource>>();
  /** kustomize output by the content of the files it reads: unchanged inputs are not re-rendered. */
  const kustomizeCache = new Map<string, Promise<KubeObject[]>>();
  const renderKustomizeCached = (files: ReadonlyMap<string, string>, prefix: string): Promise<KubeObject[]> => {
    const inputs = kustomizeInputs(files, prefix);
    if (!inputs) return renderKustomize(files, prefix);
    const hash = createHash('sha256').update(prefix);
    for (const file of [...inputs].sort()) hash.update(`\0${file}\0${files.get(file) ?? ''}`);
    const key = hash.digest('hex');
    let rendered = kustomizeCache.get(key);
    if (!rendered) {
      const subset = new Map([...inputs].map((file) => [file, files.get(file) ?? '']));
      rendered = renderKustomize(subset, prefix);
      kustomizeCache.set(key, rendered);
      rendered.catch(() => kustomizeCache.delete(key));
    }
    return rendered;
  };
  return async (revision, path, helm) => {
    const sha = await repo.resolve(revision);
    const key = `${sha}\0${path}${helm ? `\0${JSON.stringify(helm)}` : ''}`;
    let rendered = cache.get(key);
    if (!rendered) {
      rendered = renderAt(repo, sha, path, renderKustomizeCached, helm);
      cache.set(key, rendered);
      rendered.catch(() => cache.delete(key));
    }
    return rendered;
  };
}

const KUSTOMIZE_FILE_FIELDS = ['patchesStrategicMerge', 'crds'];

/**
 * Files a kustomization (and the kustomizations it references) reads, resolved in the snapshot;
 * undefined when it refers to something outside the repo (a URL), so it cannot be cached safely.
 */
function kustomizeInputs(files: ReadonlyMap<string, string>, root: string): Set<string> | undefined {
  const inputs = new Set<string>();
  const visit = (dir: string): boolean => {
    const name = KUSTOMIZATION_FILES.map((candidate) => (dir === '' ? candidate : `${dir}/${candidate}`)).find(
      (candidate) => files.has(candidate),
    );
    if (!name) return false;
    if (inputs.has(name)) return true;
    inputs.add(name);
    let spec: Record<string, unknown>;
    try {
      spec = (parseAllDocuments(files.get(name) ?? '')[0]?.toJSON() ?? {}) as Record<string, unknown>;
    } catch {
      return false;
    }
    const references: string[] = [];
    const strings = (value: unknown): string[] =>
      Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
    references.push(...strings(spec.resources), ...strings(spec.bases), ...strings(spec.components));
    for (const field of KUSTOMIZE_FILE_FIELDS) references.push(...strings(spec[field]));
    for (const patch of Array.isArray(spec.patches) ? spec.patches : []) {
      if (patch && typeof patch === 'object' && typeof (patch as { path?: unknown }).path === 'string')
        references.push((patch as { path: string }).path);
    }
    for (const generator of [
      ...(Array.isArray(spec.configMapGenerator) ? spec.configMapGenerator : []),
      ...(Array.isArray(spec.secretGenerator) ? spec.secretGenerator : []),
    ]) {
      const entry = (generator ?? {}) as { files?: unknown; envs?: unknown; env?: unknown };
      references.push(...strings(entry.files).map((file) => file.slice(file.indexOf('=') + 1)), ...strings(entry.envs));
      if (typeof entry.env === 'string') references.push(entry.env);
    }
    for (const reference of references) {
      if (/^[a-z]+:\/\//i.test(reference) || reference.startsWith('github.com/')) return false;
      const target = posix.normalize(dir === '' ? reference : `${dir}/${reference}`).replace(/\/+$/, '');
      if (target.startsWith('..')) return false;
      if (files.has(target)) inputs.add(target);
      else if (!visit(target)) return false;
    }
    return true;
  };
  return visit(root) ? inputs : undefined;
}

interface DirectoryIndex {
  /** Files directly in each directory. */
  files: Map<string, string[]>;
  /** Every directory that has files somewhere below it. */
  hasTree: Set<string>;
}

const indexes = new WeakMap<ReadonlyMap<string, string>, DirectoryIndex>();

/** Directory listing of a snapshot, built once (thousands of apps render from one commit). */
function directoryIndex(files: ReadonlyMap<string, string>): DirectoryIndex {
  let index = indexes.get(files);
  if (index) return index;
  index = { files: new Map(), hasTree: new Set(['']) };
  for (const file of files.keys()) {
    const slash = file.lastIndexOf('/');
    const dir = slash < 0 ? '' : file.slice(0, slash);
    const list = index.files.get(dir) ?? [];
    list.push(file);
    index.files.set(dir, list);
    for (let at = dir.indexOf('/'); ; at = dir.indexOf('/', at + 1)) {
      index.hasTree.add(at < 0 ? dir : dir.slice(0, at));
      if (at < 0) break;
    }
  }
  indexes.set(files, index);
  return index;
}

type KustomizeRenderer = (files: ReadonlyMap<string, string>, prefix: string) => Promise<KubeObject[]>;

async function renderAt(
  repo: GitRepo,
  sha: string,
  sourcePath: string,
  kustomize: KustomizeRenderer,
  helm?: HelmSource,
): Promise<RenderedSource> {
  const files = await repo.snapshot(sha);
  const prefix = sourcePath.replace(/^\.\/?/, '').replace(/\/+$/, '');
  if (files.has(prefix === '' ? 'Chart.yaml' : `${prefix}/Chart.yaml`)) {
    try {
      return { revision: sha, sourceType: 'Helm', objects: renderHelmChart(files, prefix, helm, parseManifests) };
    } catch (error) {
      if (error instanceof HelmRenderError) throw new ManifestGenerationError(error.message, { cause: error });
      throw error;
    }
  }
  const isKustomize = KUSTOMIZATION_FILES.some((name) => files.has(prefix === '' ? name : `${prefix}/${name}`));
  if (isKustomize)
    return { revision: sha, sourceType: 'Kustomize', objects: structuredClone(await kustomize(files, prefix)) };

  const index = directoryIndex(files);
  if (!index.hasTree.has(prefix)) throw new ManifestGenerationError(`${sourcePath}: app path does not exist`);
  const direct = [...(index.files.get(prefix) ?? [])].sort();
  const objects: KubeObject[] = [];
  for (const file of direct) {
    if (!/\.(ya?ml|json)$/.test(file)) continue;
    objects.push(...parseManifests(files.get(file) ?? '', file));
  }
  return { revision: sha, sourceType: 'Directory', objects };
}

async function renderKustomize(files: ReadonlyMap<string, string>, prefix: string): Promise<KubeObject[]> {
  const dir = await mkdtemp(join(tmpdir(), 'sre-bot-kustomize-'));
  try {
    for (const [file, content] of files) {
      const target = join(dir, file);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    const { stdout } = await execFileAsync('kubectl', ['kustomize', join(dir, prefix)], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return parseManifests(stdout, `${prefix}/kustomization.yaml`);
  } catch (error) {
    if (error instanceof ManifestGenerationError) throw error;
    const stderr = (error as { stderr?: string }).stderr ?? (error instanceof Error ? error.message : String(error));
    throw new ManifestGenerationError(`kustomize build ${prefix} failed: ${stderr.trim().split(dir).join('')}`, {
      cause: error,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
