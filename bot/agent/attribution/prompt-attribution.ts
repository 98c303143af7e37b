import type { EvidenceItem } from '../../skills/evidence.js';
import { evidenceFromSections } from '../evidence/build-evidence.js';
import type { GatheredSection } from '../evidence/section.js';
import type { ToolCallResult } from '../ports.js';
import { readToolResult } from '../tool-results/read-result.js';
import { isReadTool } from '../tool-results/result-schemas.js';
import { ToolResultShapeError } from '../tool-results/shape-error.js';
import { attributionOf } from './attribute.js';
import type { Subject } from './subject.js';

/** Lines listed per group at most; the rest are counted. */
const MAX_LINES = 12;

const HEADINGS = {
  own: 'About the object under investigation (by ownership):',
  dependency: 'About a dependency the evidence shows (a Service it calls, a ConfigMap, Secret or claim it mounts):',
  neighbour:
    'Not related by ownership (other workloads in the same place: noise, not the cause, unless a dependency ' +
    'above links them):',
} as const;

function group(title: string, items: readonly EvidenceItem[]): string[] {
  if (items.length === 0) return [];
  const shown = items.slice(0, MAX_LINES).map((item) => `- ${item.text}`);
  const more = items.length > MAX_LINES ? [`- … ${items.length - MAX_LINES} more`] : [];
  return [title, ...shown, ...more];
}

/**
 * The model sees what triage sees: a namespace-wide section (events, policy results, namespace
 * findings: lines that carry what they are about) is rendered from its structured lines, sorted
 * by the same attribution through ownership, neighbours marked as such, instead of the server's
 * text in which another workload's warning reads like the answer. Sections about one object, and
 * every section when there is no subject (a namespace question), keep the server's text.
 */
export function attributeSections(
  sections: readonly GatheredSection[],
  subject: Subject | undefined,
  now: number,
): GatheredSection[] {
  if (!subject) return [...sections];
  return sections.map((section) => {
    const items = evidenceFromSections([section], now);
    if (!items.some((item) => item.about !== undefined)) return section;
    const byKind = { own: [] as EvidenceItem[], dependency: [] as EvidenceItem[], neighbour: [] as EvidenceItem[] };
    for (const item of items) byKind[attributionOf(item, subject)].push(item);
    const text = [
      ...group(HEADINGS.own, byKind.own),
      ...group(HEADINGS.dependency, byKind.dependency),
      ...group(HEADINGS.neighbour, byKind.neighbour),
    ].join('\n');
    return { ...section, text };
  });
}

/**
 * A tool result the model asked for in its loop, attributed like the gathered ones: a
 * namespace-wide list comes back as its lines sorted by ownership. A result that is not one of
 * the pipeline's read tools, failed, or does not fit its schema is passed through unchanged.
 */
export function attributeToolResult(
  name: string,
  args: Record<string, unknown>,
  result: ToolCallResult,
  subject: Subject | undefined,
  now: number,
): ToolCallResult {
  if (!subject || result.isError || !isReadTool(name)) return result;
  const instance = typeof args.instance === 'string' ? args.instance : undefined;
  let read;
  try {
    read = readToolResult(name, result, instance);
  } catch (error) {
    // A result outside the schema is still the server's answer: the model reads it as it came.
    if (error instanceof ToolResultShapeError) return result;
    throw error;
  }
  // `read` was checked against the schema of `name`; TypeScript cannot correlate the two through ReadTool.
  const section = { tool: name, read, target: '', text: result.text, isError: false } as GatheredSection;
  const [attributed] = attributeSections([section], subject, now);
  return attributed && attributed.text !== result.text ? { ...result, text: attributed.text } : result;
}
