/**
 * Label and field selectors: the query-string syntax (`app=web,tier in (a,b),!canary`,
 * `involvedObject.name=web-1,type!=Normal`) and the structured `LabelSelector` of workloads.
 */
import { KubeApiError, type KubeObject } from './cluster-api.js';

/** One parsed selector requirement. */
export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values: string[];
}

/** A structured label selector (Deployment.spec.selector, NetworkPolicy podSelector, ...). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** Parses a `labelSelector` query parameter; throws a 400 KubeApiError on bad syntax. */
export function parseLabelSelector(text: string): Requirement[] {
  const requirements: Requirement[] = [];
  for (const part of splitTopLevel(text)) {
    const term = part.trim();
    if (term === '') continue;
    let match = /^([A-Za-z0-9_./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (match) {
      const values = (match[3] ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      requirements.push({ key: match[1] ?? '', operator: match[2] === 'in' ? 'In' : 'NotIn', values });
      continue;
    }
    match = /^([A-Za-z0-9_./-]+)\s*(==|=|!=)\s*([A-Za-z0-9_.-]*)$/.exec(term);
    if (match) {
      requirements.push({
        key: match[1] ?? '',
        operator: match[2] === '!=' ? 'NotIn' : 'In',
        values: [match[3] ?? ''],
      });
      continue;
    }
    match = /^(!?)([A-Za-z0-9_./-]+)$/.exec(term);
    if (match) {
      requirements.push({ key: match[2] ?? '', operator: match[1] ? 'DoesNotExist' : 'Exists', values: [] });
      continue;
    }
    throw new KubeApiError(400, 'BadRequest', `unable to parse requirement: found '${term}', expected: identifier`);
  }
  return requirements;
}

/** Converts a structured LabelSelector to requirements. */
export function selectorRequirements(selector: LabelSelector | undefined): Requirement[] {
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {}))
    requirements.push({ key, operator: 'In', values: [value] });
  for (const expression of selector?.matchExpressions ?? []) {
    requirements.push({
      key: expression.key,
      operator: expression.operator as Requirement['operator'],
      values: expression.values ?? [],
    });
  }
  return requirements;
}

/** True when the labels satisfy every requirement. */
export function matchesRequirements(labels: Record<string, string> | undefined, requirements: Requirement[]): boolean {
  for (const requirement of requirements) {
    const value = labels?.[requirement.key];
    switch (requirement.operator) {
      case 'In':
        if (value === undefined || !requirement.values.includes(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && requirement.values.includes(value)) return false;
        break;
      case 'Exists':
        if (value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (value !== undefined) return false;
        break;
      case 'Gt':
      case 'Lt': {
        const left = Number(value);
        const right = Number(requirement.values[0]);
        if (value === undefined || Number.isNaN(left) || Number.isNaN(right)) return false;
        if (requirement.operator === 'Gt' ? !(left > right) : !(left < right)) return false;
        break;
      }
    }
  }
  return true;
}

/** True when the labels match a structured selector; an empty selector matches everything. */
export function matchesLabelSelector(
  labels: Record<string, string> | undefined,
  selector: LabelSelector | undefined,
): boolean {
  return matchesRequirements(labels, selectorRequirements(selector));
}

/** True when every key/value of a map selector (Service.spec.selector) is in the labels. */
export function matchesMapSelector(
  labels: Record<string, string> | undefined,
  selector: Record<string, string> | undefined,
): boolean {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector)) if (labels?.[key] !== value) return false;
  return true;
}

/** One field selector term. */
export interface FieldRequirement {
  path: string;
  value: string;
  isNegated: boolean;
}

/** Parses a `fieldSelector` query parameter (`a=b`, `a==b`, `a!=b`, comma-separated). */
export function parseFieldSelector(text: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  for (const part of text.split(',')) {
    const term = part.trim();
    if (term === '') continue;
    const match = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!match) throw new KubeApiError(400, 'BadRequest', `invalid selector: '${text}'; can't understand '${term}'`);
    out.push({ path: match[1] ?? '', value: match[3] ?? '', isNegated: match[2] === '!=' });
  }
  return out;
}

/** True when the object's fields satisfy every term (missing fields compare as empty strings). */
export function matchesFields(object: KubeObject, requirements: FieldRequirement[]): boolean {
  for (const requirement of requirements) {
    const actual = fieldValue(object, requirement.path);
    if ((actual === requirement.value) === requirement.isNegated) return false;
  }
  return true;
}

function fieldValue(object: KubeObject, path: string): string {
  let current: unknown = object;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[segment];
  }
  if (current === undefined || current === null) return '';
  return String(current);
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}
