import type { EvidenceItem, EvidenceKind } from '../skills/evidence.js';

/** What one gather call returned, kept for the prompt and turned into evidence lines. */
export interface GatheredSection {
  tool: string;
  instance?: string;
  /** What the call was about, e.g. `deployment/shop/checkout` or `app/checkout`. */
  target: string;
  text: string;
  isError: boolean;
}

function kindOfLine(tool: string, line: string): EvidenceKind {
  if (/^(list_policy|explain_admission|get_policy|check_manifest|list_policies)/.test(tool)) return 'kyverno';
  if (tool === 'get_pod_logs' || tool === 'get_application_logs' || /^\s*\|/.test(line)) return 'log';
  if (tool === 'list_events' || tool === 'get_application_events') return 'event';
  if (tool === 'check_service') return 'service';
  if (tool.startsWith('get_application')) return 'argocd';
  if (/\b(Warning|Normal)\b|\bx\d+\b|×\d+/.test(line)) return 'event';
  return 'container_state';
}

const NOISE = /^\s*(…|\.\.\.|\(|pods: \d+ total|warning events: none|no warnings)/i;

/**
 * Turns gathered tool text into evidence items, one per meaningful line, tagged with the kind
 * skill signals match on and a source path people can follow.
 */
export function evidenceFromSections(sections: readonly GatheredSection[]): EvidenceItem[] {
  const items: EvidenceItem[] = [];
  for (const section of sections) {
    if (section.isError && !/denied|not found|forbidden/i.test(section.text)) continue;
    const source = [section.instance, section.target].filter(Boolean).join('/');
    for (const raw of section.text.split('\n')) {
      const line = raw.replace(/^\s*[|!]\s?/, '').trim();
      if (line.length < 4 || NOISE.test(line)) continue;
      items.push({ kind: kindOfLine(section.tool, raw), source: `${section.tool}:${source}`, text: line.slice(0, 800) });
    }
  }
  return items;
}

/** The gathered sections as prompt text, bounded by a character budget (most relevant first). */
export function renderSections(sections: readonly GatheredSection[], maxChars: number, wrap: (source: string, text: string) => string): string {
  const parts: string[] = [];
  let used = 0;
  for (const section of sections) {
    const header = `${section.tool}${section.instance ? ` @${section.instance}` : ''} ${section.target}`;
    const room = maxChars - used;
    if (room < 200) {
      parts.push(`(${sections.length - parts.length} more tool results left out to stay within the context budget)`);
      break;
    }
    const text = section.text.length > room ? `${section.text.slice(0, room - 40)}\n… (truncated)` : section.text;
    const wrapped = wrap(header, text);
    parts.push(wrapped);
    used += wrapped.length;
  }
  return parts.join('\n\n');
}
