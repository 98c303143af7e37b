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
/** Statements of absence ("No fail results …") are not evidence of anything and fool signal matching. */
const ABSENCE = /^(no|none|nothing)\b/i;
/**
 * get_application_diff hunks as one evidence line each, so the changed value and the context
 * that names it (`- name: LOG_LEVEL` above `-  value: debug`) stay together.
 */
function diffHunks(text: string): string[] {
  const hunks: string[] = [];
  let resource = '';
  let current: string[] = [];
  const flush = () => {
    if (current.some((line) => /^[-+]/.test(line))) hunks.push(`${resource} live vs git: ${current.join(' | ')}`);
    current = [];
  };
  for (const raw of text.split('\n')) {
    // A resource header may carry who last wrote the live object: `Kind/name (ns): (live last written by ...)`.
    const header = /^(\S.*\(.*\)): \((live last written by .*)\)$/.exec(raw);
    if (header) {
      flush();
      resource = `${header[1] ?? ''} (${header[2] ?? ''})`;
    } else if (/^\S.*\(.*\):$/.test(raw) || /^[A-Z][A-Za-z]+\/\S+/.test(raw.trim()) && raw.trim().endsWith(':')) {
      flush();
      resource = raw.trim().replace(/:$/, '');
    } else if (/^\s*@@/.test(raw)) {
      flush();
    } else if (resource && raw.trim()) {
      const changed = /^ {0,2}([-+])(?![-+])\s*(.*)$/.exec(raw);
      current.push(changed ? `${changed[1]}${changed[2]?.trim() ?? ''}` : raw.trim());
    }
  }
  flush();
  return hunks;
}

/**
 * Turns gathered tool text into evidence items, one per meaningful line, tagged with the kind
 * skill signals match on and a source path people can follow.
 */
export function evidenceFromSections(sections: readonly GatheredSection[]): EvidenceItem[] {
  const items: EvidenceItem[] = [];
  for (const section of sections) {
    if (section.isError && !/denied|not found|forbidden/i.test(section.text)) continue;
    const source = [section.instance, section.target].filter(Boolean).join('/');
    if (section.tool === 'get_application_diff') {
      for (const hunk of diffHunks(section.text)) items.push({ kind: 'argocd', source: `${section.tool}:${source}`, text: hunk.slice(0, 800), isProblem: true });
      continue;
    }
    const lines = section.tool === 'list_policy_violations' ? joinContinuations(section.text) : section.text.split('\n');
    for (const raw of lines) {
      const line = raw.replace(/^\s*[|!]\s?/, '').trim();
      if (line.length < 4 || NOISE.test(line) || ABSENCE.test(line)) continue;
      // A failed look-up that says what is missing ("Service 'shipping' not found. Closest: shipping-svc") is a finding.
      const isProblem = /^\s*!/.test(raw) || (section.isError && /not found|does not exist|closest/i.test(line));
      items.push({ kind: kindOfLine(section.tool, raw), source: `${section.tool}:${source}`, text: line.slice(0, 800), ...(isProblem ? { isProblem } : {}) });
    }
  }
  return items;
}

/** Folds deeper-indented lines into the line above ("policy/rule: message" + "  Deployment ns/name"). */
function joinContinuations(text: string): string[] {
  const out: string[] = [];
  let previousIndent = -1;
  for (const raw of text.split('\n')) {
    const indent = raw.length - raw.trimStart().length;
    const previous = out[out.length - 1];
    if (previous !== undefined && !previous.trimEnd().endsWith(':') && indent > previousIndent && raw.trim()) out[out.length - 1] = `${previous} — ${raw.trim()}`;
    else {
      out.push(raw);
      previousIndent = indent;
    }
  }
  return out;
}

/** The gathered sections as prompt text, bounded by a character budget (most relevant first). */
export function renderSections(sections: readonly GatheredSection[], maxChars: number, wrap: (source: string, text: string) => string): string {
  const parts: string[] = [];
  let used = 0;
  // Look-ups that found nothing cost one line together, not a wrapped block each.
  const isEmpty = (section: GatheredSection) => !section.isError && section.text.length < 400 && ABSENCE.test(section.text.trim());
  const empty = sections.filter(isEmpty);
  if (empty.length > 0) {
    const line = `Checked and found nothing: ${empty.map((section) => `${section.tool} ${section.target}`).join(', ')}.`;
    parts.push(line);
    used += line.length;
  }
  for (const section of sections.filter((candidate) => !isEmpty(candidate))) {
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
