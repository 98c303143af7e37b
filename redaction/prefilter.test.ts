import { describe, expect, it } from 'vitest';
import { largeMcpOutput } from '../test/bench/redaction.bench.js';
import { CANARY_FORMATS } from '../test/security/canary-formats.js';
import { presetRuleIds, PRESET_KEYWORDS } from './preset-rules.js';
import { redactText, redactTextUnfiltered } from './index.js';

/** Texts the rules must treat the same with and without the prefilter and cache. */
function corpus(): string[] {
  const canaries = CANARY_FORMATS.flatMap((canary) => [
    canary.text,
    canary.key ? `${canary.key}: ${canary.text}` : canary.text,
    `- name: ${canary.key ?? 'X'}\n  value: ${canary.text}`,
    `2026-12-04T02:00:00Z level=error msg="${canary.text}" trace_id=4bf92f3577b34da6a3ce929d0e0e4736`,
  ]);
  const { text } = largeMcpOutput(20);
  return [...canaries, text, ...text.split('\n').slice(0, 400), 'token: unexpected status 401', 'password: required'];
}

/**
 * The fast path (keywords before regexes, a cache of recent large texts) is only an optimisation:
 * each text must come out exactly as every rule over it would leave it.
 */
describe('redaction prefilter and cache', () => {
  it('names the words of every preset rule in force (a new rule must be listed)', () => {
    expect(presetRuleIds.filter((id) => !(id in PRESET_KEYWORDS))).toEqual([]);
  });

  it('gives the same result as every rule over every text, twice (the second from the cache)', () => {
    const different = corpus().filter(
      (text) => redactText(text) !== redactTextUnfiltered(text) || redactText(text) !== redactTextUnfiltered(text),
    );
    expect(different).toEqual([]);
  });

  it('returns a redacted large output unchanged when it is redacted again (tool, wire result, model request)', () => {
    const { text } = largeMcpOutput(20);
    const once = redactText(text);
    expect(once).toBe(redactTextUnfiltered(text));
    // A second pass over every rule would only redact more around the markers (a trace id after
    // "Bearer [redacted]" looks suspicious there): the first pass over the original is the answer.
    expect(redactText(once)).toBe(once);
  });
});
