import type { EvidenceBundle, EvidenceItem } from '../../skills/evidence.js';
import { isOwnObject, type Subject } from './subject.js';

/** Evidence split by whom it is about. */
export interface Attributed {
  /** Lines about the subject, or about a dependency the evidence shows; what skills are matched against. */
  relevant: EvidenceItem[];
  /** Lines about other objects in the same place (noise, or other failures to list). */
  neighbours: EvidenceItem[];
}

/** Why a line counts for the subject: its own object, a dependency, or not at all. */
export function attributionOf(item: EvidenceItem, subject: Subject): 'own' | 'dependency' | 'neighbour' {
  const about = item.about;
  if (!about) return 'own';
  if (about.apps?.some((app) => subject.apps.has(app))) return 'own';
  if (about.objects.some((key) => subject.objects.has(key))) return 'own';
  if (about.objects.some((key) => subject.dependencies.has(key))) return 'dependency';
  // A known owner that is not the subject's decides (checkout-worker's pods are not checkout's).
  const hasKnownOwners = about.objects.length > 1;
  if (!hasKnownOwners && !about.apps && about.objects.some((key) => isOwnObject(subject, key))) return 'own';
  return 'neighbour';
}

/**
 * Attributes every line to the subject through ownership before anything is matched: a line
 * that a namespace-wide tool reported (events, policy results, namespace findings) counts when
 * its object, an owner of it, or its Argo CD app is the subject's, or when it is about a
 * dependency the evidence shows. Without a subject (a namespace question) every line counts.
 */
export function attribute(evidence: EvidenceBundle, subject: Subject | undefined): Attributed {
  if (!subject) return { relevant: [...evidence], neighbours: [] };
  const relevant: EvidenceItem[] = [];
  const neighbours: EvidenceItem[] = [];
  for (const item of evidence) (attributionOf(item, subject) === 'neighbour' ? neighbours : relevant).push(item);
  return { relevant, neighbours };
}
