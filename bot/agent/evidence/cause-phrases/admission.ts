/** Phrasers for ResourceQuota, LimitRange and Kyverno admission denials messages. */
import type { CausePhraser } from './phraser.js';

export const ADMISSION_PHRASERS: readonly CausePhraser[] = [];
