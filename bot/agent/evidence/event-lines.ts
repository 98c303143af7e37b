import type { EvidenceItem } from '../../skills/evidence.js';
import { aboutEvent } from '../attribution/about.js';
import { eventObjectLabel, type EventGroup } from '../tool-results/common-shapes.js';
import { ageOf, clipLine } from './age.js';
import { causePhrase } from './cause-phrases/index.js';
import { condenseMessage } from './condense.js';
import type { EvidenceContext } from './section.js';

/** One event group as an evidence line: `x12 Warning BackOff Pod/web-1 (2m ago): Back-off restarting …`. */
export function eventLine(group: EventGroup, now: number): string {
  const type = group.type === 'Normal' ? '' : `${group.type} `;
  return clipLine(
    `x${group.count} ${type}${group.reason} ${eventObjectLabel(group)} ` +
      `(${ageOf(group.lastSeen, now)} ago): ${group.message}`,
  );
}

/**
 * Event groups (list_events, get_application_events, a workload's warnings) as `event` lines.
 * `isScoped`: the tool was asked about one object (describe_workload), so the lines need no
 * `about`; namespace-wide lists say what each line is about, for attribution.
 */
export function eventEvidence(
  groups: readonly EventGroup[],
  context: EvidenceContext,
  isScoped = false,
): EvidenceItem[] {
  return groups.map((group) => ({
    kind: 'event',
    source: context.source,
    text: eventLine(group, context.now),
    // Counts and ages are evidence detail, not cause.
    statement: clipLine(`${eventObjectLabel(group)}: ${causePhrase(group.message) ?? condenseMessage(group.message)}`),
    ...(isScoped ? {} : { about: aboutEvent(group) }),
    ...(group.type === 'Normal' ? {} : { isProblem: true }),
  }));
}
