import { isEmptySection } from './build-evidence.js';
import type { GatheredSection } from './section.js';

/**
 * The gathered sections as prompt text (the servers' own text: that is what the model reads),
 * bounded by a character budget, most relevant first. Look-ups that found nothing cost one line
 * together, not a wrapped block each.
 */
export function renderSections(
  sections: readonly GatheredSection[],
  maxChars: number,
  wrap: (source: string, text: string) => string,
): string {
  const parts: string[] = [];
  let used = 0;
  const empty = sections.filter(isEmptySection);
  if (empty.length > 0) {
    const names = empty.map((section) => `${section.tool} ${section.target}`);
    const line = `Checked and found nothing: ${names.join(', ')}.`;
    parts.push(line);
    used += line.length;
  }
  for (const section of sections.filter((candidate) => !isEmptySection(candidate))) {
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
