import { lintSource } from '@secretlint/core';
import { creator as recommendedPreset } from '@secretlint/secretlint-rule-preset-recommend';
import { describe, expect, it } from 'vitest';
import { presetRuleIds, presetSecretRanges } from './preset-rules.js';

const SAMPLES = [
  'slack xoxb-2748103945-2748103945123-Zq8LmN3pR5tV7wX9yA1bC3dE in a log line',
  'hook https://hooks.slack.com/services/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 posted',
  'ci token ghp_Q7xW2mZ9vL4kP8nR3tY6bC1dF5gH0jS2aB4c',
  'dial postgres://payments:Pg-Canary-91x7@payments-db:5432/payments',
  'nothing secret here: Back-off pulling image "registry.example.com/shop/checkout:1.4.3"',
];

/**
 * The preset is driven synchronously (redaction sits on hot, synchronous paths such as pino
 * formatters); this checks the sync driver finds what secretlint's own engine finds.
 */
describe('secretlint recommended preset, driven synchronously', () => {
  it('runs every rule of the preset', () => {
    expect(presetRuleIds.length).toBe(recommendedPreset.rules.length);
  });

  it.each(SAMPLES)('reports the same secrets as @secretlint/core for %s', async (content) => {
    const result = await lintSource({
      source: { content, filePath: '/sample.txt', ext: '.txt', contentType: 'text' },
      options: { config: { rules: [{ id: recommendedPreset.meta.id, rule: recommendedPreset }] } },
    });
    const fromCore = result.messages.map((message) => content.slice(...message.range)).sort();
    const fromSync = presetSecretRanges(content)
      .map((range) => content.slice(...range))
      .sort();
    // The sync driver narrows connection strings to their password; core reports the whole URL.
    expect(fromSync.every((secret) => fromCore.some((found) => found.includes(secret)))).toBe(true);
    expect(fromSync.length).toBe(fromCore.length);
  });
});
