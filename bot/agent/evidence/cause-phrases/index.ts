/**
 * Kubernetes' own failure messages (events, conditions, admission denials) as a plain sentence of
 * cause: what is wrong, in which object, with the names and values the message carries. Each
 * family of messages has its phraser; the first that recognises a message speaks for it, and a
 * message none recognises keeps its condensed text.
 */
import { ADMISSION_PHRASERS } from './admission.js';
import { RUNTIME_PHRASERS } from './runtime.js';
import { SCHEDULING_PHRASERS } from './scheduling.js';
import type { CausePhraser } from './phraser.js';

const PHRASERS: readonly CausePhraser[] = [...ADMISSION_PHRASERS, ...SCHEDULING_PHRASERS, ...RUNTIME_PHRASERS];

/** The plain cause a failure message states, or undefined when no family recognises it. */
export function causePhrase(message: string): string | undefined {
  for (const phrase of PHRASERS) {
    const sentence = phrase(message);
    if (sentence !== undefined) return sentence;
  }
  return undefined;
}
