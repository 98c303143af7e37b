import { posix } from 'node:path';
import { loadDocuments, type YamlPath } from './yaml-edit.js';
import type { GitProvider } from '../git/git-provider.js';

/** One YAML document of the app's source and where it lives. */
export interface SourceDocument {
  file: string;
  index: number;
  value: Record<string, unknown>;
  /** Outside the app's own path (a base other overlays may use): never edited by a plan. */
  isShared: boolean;
}

/** A kustomize `images:` entry and where it is written. */
export interface ImageOverride {
  file: string;
  index: number;
  name: string;
  newName?: string;
  newTag?: string;
  isShared: boolean;
}

/**
 * The app's source at one revision, the way Argo CD reads it: a kustomization (resources,
 * patches, images, followed into bases) or a plain directory of manifests.
 */
export interface SourceTree {
  revision: string;
  appPath: string;
  /** Every file read, path → text. */
  files: Map<string, string>;
  /** Manifests (base first). */
  resources: SourceDocument[];
  /** Kustomize patches in the order they apply (base first, overlay last). */
  patches: SourceDocument[];
  /** Image overrides in the order they apply (base first, overlay last). */
  images: ImageOverride[];
  /** Argo CD parameter override files (`.argocd-source*.yaml`) found in the app's path. */
  overrideFiles: string[];
  /** A Helm chart (the path holds a Chart.yaml): its values layers, lowest precedence first. */
  helm?: { layers: ValuesLayer[] };
}

/** One source of Helm values: the chart's values.yaml, a valueFiles entry, or inline in the Application. */
export interface ValuesLayer {
  /** `apps/x/values-prod.yaml`, or `spec.source.helm.parameters` for an inline layer. */
  label: string;
  /** The file, for a layer a pull request can change; undefined when inline in the Application. */
  file?: string;
  isShared: boolean;
  values: Record<string, unknown>;
}

/** `spec.source.helm` of the Application, as far as the planner reads it. */
export interface HelmSettings {
  valueFiles?: unknown;
  values?: unknown;
  valuesObject?: unknown;
  parameters?: unknown;
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Reads the app's source tree at `revision` through the Git host. */
export async function loadSourceTree(
  git: Pick<GitProvider, 'readFile' | 'listFiles'>,
  repository: string,
  revision: string,
  appPath: string,
  helm?: HelmSettings,
): Promise<SourceTree> {
  const root = appPath.replace(/^\.?\/+|\/+$/g, '');
  const tree: SourceTree = {
    revision,
    appPath: root,
    files: new Map(),
    resources: [],
    patches: [],
    images: [],
    overrideFiles: [],
  };
  const listed = new Map<string, string[]>();
  const list = async (dir: string): Promise<string[]> => {
    let files = listed.get(dir);
    if (!files) {
      files = await git.listFiles(repository, revision, dir);
      listed.set(dir, files);
    }
    return files;
  };
  const read = async (file: string): Promise<string | undefined> => {
    if (tree.files.has(file)) return tree.files.get(file);
    const text = await git.readFile(repository, file, revision);
    if (text !== undefined) tree.files.set(file, text);
    return text;
  };
  const isShared = (file: string): boolean => file !== root && !file.startsWith(`${root}/`);
  const documents = async (file: string): Promise<SourceDocument[]> => {
    const text = await read(file);
    if (text === undefined) return [];
    return loadDocuments(text, file).flatMap((value, index) =>
      isRecord(value) ? [{ file, index, value, isShared: isShared(file) }] : [],
    );
  };

  const visitKustomization = async (dir: string, seen: Set<string>): Promise<boolean> => {
    const files = await list(dir);
    const file = KUSTOMIZATION_FILES.map((name) => posix.join(dir, name)).find((name) => files.includes(name));
    if (!file || seen.has(dir)) return false;
    seen.add(dir);
    const [kustomization] = await documents(file);
    const spec = kustomization?.value ?? {};
    for (const entry of strings(spec['resources'])) {
      const target = posix.normalize(posix.join(dir, entry));
      if (!(await visitKustomization(target, seen))) tree.resources.push(...(await documents(target)));
    }
    const patchFiles = [
      ...(Array.isArray(spec['patches']) ? spec['patches'] : []).flatMap((patch) =>
        isRecord(patch) && typeof patch['path'] === 'string' ? [patch['path']] : [],
      ),
      ...strings(spec['patchesStrategicMerge']),
    ];
    for (const patch of patchFiles) tree.patches.push(...(await documents(posix.normalize(posix.join(dir, patch)))));
    (Array.isArray(spec['images']) ? spec['images'] : []).forEach((image, index) => {
      if (!isRecord(image) || typeof image['name'] !== 'string') return;
      tree.images.push({
        file,
        index,
        name: image['name'],
        ...(typeof image['newName'] === 'string' ? { newName: image['newName'] } : {}),
        ...(image['newTag'] !== undefined ? { newTag: String(image['newTag']) } : {}),
        isShared: isShared(file),
      });
    });
    return true;
  };

  const files = await list(root);
  tree.overrideFiles = files.filter((file) => /^\.argocd-source.*\.ya?ml$/.test(posix.basename(file)));
  if (files.includes(posix.join(root, 'Chart.yaml'))) {
    tree.helm = { layers: await helmLayers(root, helm ?? {}, read, isShared) };
    return tree;
  }
  if (!(await visitKustomization(root, new Set()))) {
    // A plain directory: Argo CD reads the YAML files directly in it (not recursive).
    for (const file of files.filter((name) => posix.dirname(name) === root && /\.(ya?ml|json)$/.test(name)))
      if (!tree.overrideFiles.includes(file)) tree.resources.push(...(await documents(file)));
  }
  return tree;
}

/** Argo CD's order of Helm values, lowest first: values.yaml, valueFiles in order, values, valuesObject, parameters. */
async function helmLayers(
  root: string,
  helm: HelmSettings,
  read: (file: string) => Promise<string | undefined>,
  isShared: (file: string) => boolean,
): Promise<ValuesLayer[]> {
  const layers: ValuesLayer[] = [];
  const fileLayer = async (file: string) => {
    const text = await read(file);
    const [value] = text === undefined ? [] : loadDocuments(text, file);
    if (isRecord(value)) layers.push({ label: file, file, isShared: isShared(file), values: value });
  };
  await fileLayer(posix.join(root, 'values.yaml'));
  for (const entry of strings(helm.valueFiles)) await fileLayer(posix.normalize(posix.join(root, entry)));
  const inline = (label: string, values: unknown) => {
    if (isRecord(values)) layers.push({ label: `spec.source.helm.${label}`, isShared: false, values });
  };
  if (typeof helm.values === 'string') inline('values', loadDocuments(helm.values, 'spec.source.helm.values')[0]);
  inline('valuesObject', helm.valuesObject);
  const parameters = Array.isArray(helm.parameters) ? helm.parameters.filter(isRecord) : [];
  for (const parameter of parameters) {
    const path = String(parameter['name'] ?? '').split('.');
    inline(
      'parameters',
      path.reverse().reduce<unknown>((inner, key) => ({ [key]: inner }), parameter['value']),
    );
  }
  return layers;
}

/** A container of a workload document: where it sits and its fields. */
export interface ContainerRef {
  document: SourceDocument;
  path: YamlPath;
  container: Record<string, unknown>;
}

/** The containers of a document's pod template (Deployment, StatefulSet, DaemonSet, Job). */
export function containersOf(document: SourceDocument): ContainerRef[] {
  const spec = document.value['spec'];
  const template = isRecord(spec) ? spec['template'] : undefined;
  const podSpec = isRecord(template) ? template['spec'] : undefined;
  const containers = isRecord(podSpec) ? podSpec['containers'] : undefined;
  if (!Array.isArray(containers)) return [];
  return containers.flatMap((container, index) =>
    isRecord(container) ? [{ document, path: ['spec', 'template', 'spec', 'containers', index], container }] : [],
  );
}

function metadataName(value: Record<string, unknown>): string | undefined {
  const metadata = value['metadata'];
  return isRecord(metadata) && typeof metadata['name'] === 'string' ? metadata['name'] : undefined;
}

/** `Kind/name` of a document. */
export function documentKey(value: Record<string, unknown>): string {
  return `${String(value['kind'] ?? '?')}/${metadataName(value) ?? '?'}`;
}

/** Reads a nested value by path. */
export function valueAt(value: unknown, path: YamlPath): unknown {
  let current = value;
  for (const part of path) {
    if (typeof part === 'number') current = Array.isArray(current) ? current[part] : undefined;
    else current = isRecord(current) ? current[part] : undefined;
  }
  return current;
}

/** Where a container field gets its effective value: the last patch that sets it, else the manifest. */
export interface FieldSource {
  document: SourceDocument;
  path: YamlPath;
  value: unknown;
}

/** The effective source of `field` of container `name` in workload `key`, kustomize order. */
export function fieldSource(
  tree: SourceTree,
  key: string,
  containerName: string,
  field: YamlPath,
): FieldSource | undefined {
  for (const document of [...tree.patches].reverse()) {
    if (documentKey(document.value) !== key) continue;
    const hit = containersOf(document).find((ref) => ref.container['name'] === containerName);
    if (hit && valueAt(hit.container, field) !== undefined)
      return { document, path: [...hit.path, ...field], value: valueAt(hit.container, field) };
  }
  for (const document of tree.resources) {
    if (documentKey(document.value) !== key) continue;
    const hit = containersOf(document).find((ref) => ref.container['name'] === containerName);
    if (hit && valueAt(hit.container, field) !== undefined)
      return { document, path: [...hit.path, ...field], value: valueAt(hit.container, field) };
  }
  return undefined;
}

/** Every workload container of the source as `{key, name}`. */
export function workloadContainers(tree: SourceTree): Array<{ key: string; name: string }> {
  return tree.resources.flatMap((document) =>
    containersOf(document).flatMap((ref) =>
      typeof ref.container['name'] === 'string'
        ? [{ key: documentKey(document.value), name: ref.container['name'] }]
        : [],
    ),
  );
}

/** The effective source of a workload-level field (`spec.replicas`): the last patch that sets it, else the manifest. */
export function workloadFieldSource(tree: SourceTree, key: string, path: YamlPath): FieldSource | undefined {
  for (const document of [...[...tree.patches].reverse(), ...tree.resources]) {
    if (documentKey(document.value) !== key) continue;
    const value = valueAt(document.value, path);
    if (value !== undefined) return { document, path, value };
  }
  return undefined;
}

/** Where new fields of a container are written: the last patch that names the container, else its manifest. */
export function containerHome(tree: SourceTree, key: string, containerName: string): ContainerRef | undefined {
  for (const document of [...[...tree.patches].reverse(), ...tree.resources]) {
    if (documentKey(document.value) !== key) continue;
    const hit = containersOf(document).find((ref) => ref.container['name'] === containerName);
    if (hit) return hit;
  }
  return undefined;
}
