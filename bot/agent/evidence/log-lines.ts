import type { EvidenceItem } from '../../skills/evidence.js';
import { clipLine } from './age.js';
import type { EvidenceContext } from './section.js';

/** Application log lines (get_pod_logs, get_application_logs) as `log` lines, one each. */
export function logEvidence(lines: readonly string[], context: EvidenceContext): EvidenceItem[] {
  return lines
    .filter((line) => line.trim())
    .map((line) => ({ kind: 'log', source: context.source, text: clipLine(line.trim()) }));
}
