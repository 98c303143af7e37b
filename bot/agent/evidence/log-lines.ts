import type { EvidenceItem } from '../../skills/evidence.js';
import { clipLine } from './age.js';
import { causePhrase } from './cause-phrases/index.js';
import type { EvidenceContext } from './section.js';

/**
 * Application log lines (get_pod_logs, get_application_logs) as `log` lines, one each; a line a
 * cause phraser recognises (a dialer or resolver error) carries its plain cause as the statement.
 */
export function logEvidence(lines: readonly string[], context: EvidenceContext): EvidenceItem[] {
  return lines
    .filter((line) => line.trim())
    .map((line) => {
      const statement = causePhrase(line.trim());
      return {
        kind: 'log',
        source: context.source,
        text: clipLine(line.trim()),
        ...(statement ? { statement: clipLine(statement) } : {}),
      };
    });
}
