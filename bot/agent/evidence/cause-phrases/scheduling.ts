/** Phrasers for scheduling, storage, probes and Service connectivity messages. */
import type { CausePhraser } from './phraser.js';

export const SCHEDULING_PHRASERS: readonly CausePhraser[] = [];
