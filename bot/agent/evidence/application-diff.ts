import type { EvidenceItem } from '../../skills/evidence.js';
import type { ResultOf } from '../tool-results/result-schemas.js';
import { clipLine } from './age.js';
import { describeDrift, driftedFields } from './drifted-fields.js';
import type { EvidenceContext } from './section.js';

type Diff = ResultOf<'get_application_diff'>['diffs'][number];

/** A unified diff line without its indentation: `-value: debug`, `+value: info`, or context as is. */
function compactLine(line: string): string {
  const sign = line[0];
  if ((sign === '-' || sign === '+') && line[1] !== sign) return `${sign}${line.slice(1).trim()}`;
  return line.trim();
}

/** The hunks of one modified resource, each kept whole so a changed value stays next to the line naming it. */
function hunks(diff: Diff): string[][] {
  const result: string[][] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.some((line) => line.startsWith('-') || line.startsWith('+'))) result.push(current);
    current = [];
  };
  for (const line of diff.lines) {
    if (line.startsWith('@@')) flush();
    else if (line.startsWith('---') || line.startsWith('+++')) continue;
    else if (line.trim()) current.push(compactLine(line));
  }
  flush();
  return result;
}

/**
 * get_application_diff as one `argocd` problem line per hunk (`Deployment/api (shop) (live last
 * written by kubectl-edit …) live vs git: - name: LOG_LEVEL | -value: debug | +value: info`), and
 * one line per resource missing from the cluster or not in git.
 */
export function applicationDiffEvidence(
  result: ResultOf<'get_application_diff'>,
  context: EvidenceContext,
): EvidenceItem[] {
  const items: EvidenceItem[] = [];
  const push = (text: string, statement?: string) =>
    items.push({
      kind: 'argocd',
      source: context.source,
      text: clipLine(text),
      isProblem: true,
      ...(statement ? { statement: clipLine(statement) } : {}),
    });
  for (const diff of result.diffs) {
    if (diff.change === 'missing-in-cluster')
      push(`${diff.resource}: in git, missing from the cluster (sync would create it)`);
    else if (diff.change === 'extra-in-cluster')
      push(`${diff.resource}: in the cluster, not in git (sync with prune would delete it)`);
    else {
      const resource = `${diff.resource}${diff.lastWrittenBy ? ` (live last written by ${diff.lastWrittenBy})` : ''}`;
      // Every hunk's statement names every drifted field of the resource: whichever hunk is quoted, the cause is whole.
      const fields = driftedFields(diff.lines);
      const by = diff.lastWrittenBy ? `, last written by ${diff.lastWrittenBy}` : '';
      const statement =
        fields.length > 0
          ? `${diff.resource} differs from git in the cluster${by}: ${describeDrift(fields)}`
          : undefined;
      for (const hunk of hunks(diff)) push(`${resource} live vs git: ${hunk.join(' | ')}`, statement);
    }
  }
  return items;
}
