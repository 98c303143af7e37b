import { parse } from 'yaml';
import type { KubeObject } from '../kube/cluster-api.js';
import type { HelmSource } from './types.js';

/** A Helm-style render failure (bad values, a template naming a value that is not set). */
export class HelmRenderError extends Error {
  override readonly name = 'HelmRenderError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Helm's merge of values layers: maps merge key by key, anything else is replaced by the later layer. */
export function mergeValues(base: Record<string, unknown>, layer: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(layer)) {
    const current = merged[key];
    merged[key] = isRecord(current) && isRecord(value) ? mergeValues(current, value) : value;
  }
  return merged;
}

/** `a.b.c=v` as a values layer (Helm `--set`: numbers and booleans are typed). */
function parameterLayer(name: string, value: string): Record<string, unknown> {
  const typed: unknown = /^(true|false)$/.test(value)
    ? value === 'true'
    : /^-?\d+$/.test(value)
      ? Number(value)
      : value;
  return name
    .split('.')
    .reverse()
    .reduce<Record<string, unknown>>((inner, part, index) => ({ [part]: index === 0 ? typed : inner }), {});
}

function parseLayer(text: string, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new HelmRenderError(`${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (value === null || value === undefined) return {};
  if (!isRecord(value)) throw new HelmRenderError(`${file}: values must be a mapping`);
  return value;
}

/**
 * The chart's effective values the way Argo CD hands them to Helm: the chart's `values.yaml`, then
 * `valueFiles` in order (later files win), then the inline `values` / `valuesObject`, then
 * `parameters` (highest).
 */
export function effectiveValues(
  files: ReadonlyMap<string, string>,
  chartDir: string,
  helm: HelmSource | undefined,
): Record<string, unknown> {
  const at = (file: string) => (chartDir === '' ? file : `${chartDir}/${file}`);
  let values = parseLayer(files.get(at('values.yaml')) ?? '', at('values.yaml'));
  for (const file of helm?.valueFiles ?? []) {
    const path = at(file).replace(/\/\.\//g, '/');
    const text = files.get(path);
    if (text === undefined) throw new HelmRenderError(`${path}: no such file (spec.source.helm.valueFiles)`);
    values = mergeValues(values, parseLayer(text, path));
  }
  if (helm?.values) values = mergeValues(values, parseLayer(helm.values, 'spec.source.helm.values'));
  if (helm?.valuesObject) values = mergeValues(values, helm.valuesObject);
  for (const parameter of helm?.parameters ?? [])
    values = mergeValues(values, parameterLayer(parameter.name, parameter.value));
  return values;
}

const ACTION = /\{\{-?\s*\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*(\|\s*quote\s*)?-?\}\}/g;

/**
 * Renders a Helm-style chart: every `templates/*.yaml` with its `{{ .Values.a.b }}` (and
 * `| quote`) actions replaced from the effective values. Only that subset of the template
 * language is understood; any other action is a render error, as is a value that is not set.
 */
export function renderHelmChart(
  files: ReadonlyMap<string, string>,
  chartDir: string,
  helm: HelmSource | undefined,
  parseManifests: (text: string, file: string) => KubeObject[],
): KubeObject[] {
  const values = effectiveValues(files, chartDir, helm);
  const prefix = chartDir === '' ? 'templates/' : `${chartDir}/templates/`;
  const templates = [...files.keys()].filter((file) => file.startsWith(prefix) && /\.ya?ml$/.test(file)).sort();
  return templates.flatMap((file) => {
    const text = (files.get(file) ?? '').replace(ACTION, (_match, path: string, quote?: string) => {
      const value = path
        .slice(1)
        .split('.')
        .reduce<unknown>((current, key) => (isRecord(current) ? current[key] : undefined), values);
      if (value === undefined || isRecord(value))
        throw new HelmRenderError(`${file}: .Values${path} is not set to a value`);
      return quote ? JSON.stringify(String(value)) : String(value);
    });
    if (text.includes('{{')) throw new HelmRenderError(`${file}: only {{ .Values.x }} actions are supported`);
    return parseManifests(text, file);
  });
}
