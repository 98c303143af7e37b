import { describe, expect, it } from 'vitest';
import { createSecretScrubber } from './secret-scrubber.js';

describe('createSecretScrubber', () => {
  const scrubber = createSecretScrubber(['tok-"quoted"-0123456789', 'plain-token-0123456789', undefined, 'short']);

  it('returns a clean value as the same object (no copy, no re-serialisation)', () => {
    const clean = {
      content: [{ type: 'text', text: 'nothing here, short is too short to count' }],
      structuredContent: { items: [1, 'a'] },
    };
    expect(scrubber.value(clean)).toBe(clean);
  });

  it('replaces secrets in strings, keys and JSON-escaped text, copying only what it changes', () => {
    const shared = { untouched: true };
    const input = {
      text: 'Bearer plain-token-0123456789',
      nested: [shared, { 'plain-token-0123456789': 'as a key' }],
      embedded: JSON.stringify({ auth: 'tok-"quoted"-0123456789' }),
    };
    const out = scrubber.value(input);
    expect(JSON.stringify(out)).not.toMatch(/plain-token|quoted/);
    expect(out.text).toBe('Bearer [redacted]');
    expect(out.nested[0]).toBe(shared);
    expect(out.nested[1]).toEqual({ '[redacted]': 'as a key' });
    expect(input.text).toContain('plain-token');
  });

  it('treats regular-expression characters in a secret literally', () => {
    const special = createSecretScrubber(['a.b*c+(d)[e]{f}|g^h$i\\j?k']);
    expect(special.value({ text: 'x a.b*c+(d)[e]{f}|g^h$i\\j?k y' })).toEqual({ text: 'x [redacted] y' });
    expect(special.value({ text: 'aXbbbc+(d)[e]{f}' })).toEqual({ text: 'aXbbbc+(d)[e]{f}' });
    expect(special.text('g^h$i')).toBe('g^h$i');
  });
});
