import { isMap, isScalar, parseAllDocuments, stringify } from 'yaml';
import { BotError } from '../errors.js';

/** A path into one YAML document: keys and sequence indexes. */
export type YamlPath = ReadonlyArray<string | number>;

/** `spec.template.spec.containers[0].image` */
export function formatYamlPath(path: YamlPath): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

function parseDocuments(text: string, file: string) {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return [];
  for (const document of documents)
    if (document.errors.length > 0)
      throw new BotError('invalid_input', `${file} is not valid YAML: ${document.errors[0]?.message ?? ''}`);
  return documents;
}

/** The plain JavaScript value of every document in a YAML stream. */
export function loadDocuments(text: string, file = 'file'): unknown[] {
  return parseDocuments(text, file).map((document) => document.toJS() as unknown);
}

function renderScalar(type: string | undefined, value: string | number): string {
  if (type === 'QUOTE_DOUBLE') return JSON.stringify(String(value));
  if (type === 'QUOTE_SINGLE') return `'${String(value).replace(/'/g, "''")}'`;
  return stringify(value).trimEnd();
}

/**
 * Replaces one scalar in place, byte for byte: only the characters of the old value change, so
 * comments, flow style, anchors and the quoting style of the value are kept.
 */
export function replaceScalar(
  text: string,
  input: { file: string; document: number; path: YamlPath; value: string | number },
): string {
  const document = parseDocuments(text, input.file)[input.document];
  const node: unknown = document?.getIn(input.path, true);
  if (!isScalar(node) || !node.range)
    throw new BotError('invalid_input', `${input.file}: ${formatYamlPath(input.path)} is not a scalar value`);
  const [start, end] = node.range;
  return `${text.slice(0, start)}${renderScalar(node.type, input.value)}${text.slice(end)}`;
}

/**
 * Replaces a mapping of scalars (a label selector, say) in place with `entries`: a flow mapping
 * stays one flow mapping, a block mapping keeps the indentation of its first key. Only the bytes
 * of the mapping change, so comments around it are kept.
 */
export function replaceMapping(
  text: string,
  input: { file: string; document: number; path: YamlPath; entries: Readonly<Record<string, string>> },
): string {
  const document = parseDocuments(text, input.file)[input.document];
  const node: unknown = document?.getIn(input.path, true);
  if (!isMap(node) || !node.range)
    throw new BotError('invalid_input', `${input.file}: ${formatYamlPath(input.path)} is not a mapping`);
  const pairs = Object.entries(input.entries).map(
    ([key, value]) => `${stringify(key).trimEnd()}: ${stringify(value).trimEnd()}`,
  );
  const [start, end] = node.range;
  if (node.flow) return `${text.slice(0, start)}{ ${pairs.join(', ')} }${text.slice(end)}`;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const indent = text.slice(lineStart, start);
  const body = pairs.join(`\n${indent}`);
  // A block mapping's range runs to the start of the next line; keep that line break.
  const tail = text.slice(start, end).endsWith('\n') ? '\n' : '';
  return `${text.slice(0, start)}${body}${tail}${text.slice(end)}`;
}

/**
 * Adds `key: value` to the mapping at `path`, byte for byte: a flow mapping gets one more entry
 * before its closing brace, a block mapping one more line (a nested value as an indented block)
 * at the indentation of its first key. Nothing else in the text moves. Throws when the key exists.
 */
export function insertEntry(
  text: string,
  input: { file: string; document: number; path: YamlPath; key: string; value: unknown },
): string {
  const document = parseDocuments(text, input.file)[input.document];
  const node: unknown = input.path.length === 0 ? document?.contents : document?.getIn(input.path, true);
  if (!isMap(node) || !node.range)
    throw new BotError('invalid_input', `${input.file}: ${formatYamlPath(input.path) || '(root)'} is not a mapping`);
  if (node.has(input.key))
    throw new BotError('invalid_input', `${input.file}: ${formatYamlPath([...input.path, input.key])} already exists`);
  const key = stringify(input.key).trimEnd();
  const [start, end] = node.range;
  if (node.flow) {
    const close = text.lastIndexOf('}', end);
    const flowValue = stringify(input.value, { collectionStyle: 'flow', lineWidth: 0 }).trimEnd();
    const separator = node.items.length > 0 ? ', ' : ' ';
    const before = text.slice(start, close).replace(/\s+$/, '');
    return `${text.slice(0, start)}${before}${separator}${key}: ${flowValue} }${text.slice(close + 1)}`;
  }
  const firstKey = node.items[0]?.key;
  const keyStart = isScalar(firstKey) && firstKey.range ? firstKey.range[0] : start;
  const indent = ' '.repeat(keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1));
  const isNested = typeof input.value === 'object' && input.value !== null;
  const rendered = isNested
    ? `${key}:\n${stringify(input.value, { lineWidth: 0 })
        .trimEnd()
        .split('\n')
        .map((line) => `${indent}  ${line}`)
        .join('\n')}`
    : `${key}: ${stringify(input.value).trimEnd()}`;
  // A block mapping's range runs to the start of the line after its last entry (or the text's end).
  const at = end;
  const lead = text[at - 1] === '\n' || at === 0 ? '' : '\n';
  const tail = text[at - 1] === '\n' ? '\n' : '';
  return `${text.slice(0, at)}${lead}${indent}${rendered}${tail}${text.slice(at)}`;
}

function diffValues(before: unknown, after: unknown, path: string, out: string[]): void {
  if (Object.is(before, after)) return;
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let index = 0; index < Math.max(before.length, after.length); index++)
      diffValues(before[index], after[index], `${path}[${index}]`, out);
    return;
  }
  if (isObject(before) && isObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)]))
      diffValues(before[key], after[key], path ? `${path}.${key}` : key, out);
    return;
  }
  out.push(path);
}

/** Every value path that differs between two YAML streams, as `doc[0].spec.replicas`. */
export function changedValuePaths(before: string, after: string, file = 'file'): string[] {
  const left = loadDocuments(before, file);
  const right = loadDocuments(after, file);
  const out: string[] = [];
  for (let index = 0; index < Math.max(left.length, right.length); index++)
    diffValues(left[index], right[index], `doc[${index}]`, out);
  return out.map((path) => path.replace(/^(doc\[\d+\])\.?/, '$1.').replace(/\.$/, ''));
}

/** Throws unless exactly `intended` (and nothing else) changed between the two texts. */
export function verifyOnlyIntendedChanges(
  before: string,
  after: string,
  intended: readonly string[],
  file: string,
): void {
  const changed = changedValuePaths(before, after, file);
  const unexpected = changed.filter((path) => !intended.includes(path));
  const missing = intended.filter((path) => !changed.includes(path));
  if (unexpected.length > 0 || missing.length > 0)
    throw new BotError(
      'internal',
      `${file}: the edit changed ${unexpected.join(', ') || 'nothing else'} ` +
        `and missed ${missing.join(', ') || 'nothing'}`,
    );
}
