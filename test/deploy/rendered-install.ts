/**
 * The Kubernetes install as an operator gets it: every overlay under deploy/kubernetes/overlays
 * rendered by the real `kubectl kustomize` (default load restrictor), parsed into objects, and
 * each object validated against the Kubernetes or CRD JSON schema of `kubernetes-models` /
 * `@kubernetes-models/*`. Shared by the deploy tests.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);

/** The repository root (tests run from it). */
export const ROOT = join(import.meta.dirname, '..', '..');

/** deploy/kubernetes, where the base, components and overlays live. */
export const KUBE_DIR = join(ROOT, 'deploy', 'kubernetes');

/** A rendered object: only the fields the deploy tests read are typed. */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** Every overlay directory name (production, small, ...). */
export function overlayNames(): string[] {
  return readdirSync(join(KUBE_DIR, 'overlays'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Parses a multi-document YAML stream into objects; a YAML error fails loudly. */
export function parseObjects(text: string): RenderedObject[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`YAML error: ${document.errors[0]?.message ?? ''}`);
      return document.toJS() as RenderedObject | null;
    })
    .filter((object): object is RenderedObject => object !== null);
}

/** Runs `kubectl kustomize <dir>` and returns the YAML it prints. */
export async function renderKustomization(dir: string): Promise<string> {
  const { stdout } = await run('kubectl', ['kustomize', dir], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

type Validator = new (data: unknown) => { validate(): void };

/** Where the schema of an apiVersion's group lives. */
function modelModule(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const crdPackages: Record<string, string> = {
    'argoproj.io': '@kubernetes-models/argo-cd',
    'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
    'external-secrets.io': '@kubernetes-models/external-secrets',
  };
  const crdPackage = group ? crdPackages[group] : undefined;
  if (crdPackage) return `${crdPackage}/${group}/${version}/${kind}`;
  return group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
}

/**
 * Validates one object against its schema; returns the problems (empty when valid). A kind with
 * no known schema is a problem too, so nothing slips through unvalidated.
 */
export async function validateObject(object: RenderedObject): Promise<string[]> {
  const label = `${object.kind}/${object.metadata.name}`;
  let module: Record<string, unknown>;
  try {
    module = (await import(modelModule(object.apiVersion, object.kind))) as Record<string, unknown>;
  } catch {
    return [`${label}: no schema for ${object.apiVersion} ${object.kind}`];
  }
  const model = module[object.kind] as Validator | undefined;
  if (!model) return [`${label}: no schema for ${object.apiVersion} ${object.kind}`];
  try {
    new model(object).validate();
    return [];
  } catch (error) {
    return [`${label}: ${error instanceof Error ? error.message : String(error)}`];
  }
}

/** One overlay (`production`, `small`, ...) rendered and parsed into objects. */
export async function renderOverlay(name: string): Promise<RenderedObject[]> {
  return parseObjects(await renderKustomization(join(KUBE_DIR, 'overlays', name)));
}

/** The Secret templates an operator fills in (deploy/kubernetes/secrets/secrets.example.yaml). */
export async function secretTemplates(): Promise<RenderedObject[]> {
  return parseObjects(await readFile(join(KUBE_DIR, 'secrets', 'secrets.example.yaml'), 'utf8'));
}
