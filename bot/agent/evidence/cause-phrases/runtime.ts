/** Phrasers for container runtime, configuration and Argo CD sync messages. */
import type { CausePhraser } from './phraser.js';

export const RUNTIME_PHRASERS: readonly CausePhraser[] = [];
