import { describe, expect, it } from 'vitest';
import { condenseLog } from './log-lines.js';
import { closestMatches, decodeCursor, fitLines, paginate, pageFooter } from './output-budget.js';
import { redactText } from '../../redaction/index.js';

describe('paginate', () => {
  it('pages with an opaque cursor and says what was left out', () => {
    const items = Array.from({ length: 7 }, (_, index) => index);
    const first = paginate(items, 3);
    expect(first.items).toEqual([0, 1, 2]);
    expect(pageFooter(first, 'pods')).toBe(
      `… 4 more pods not shown (showing 1-3 of 7); next cursor: ${first.nextCursor}`,
    );
    const second = paginate(items, 3, first.nextCursor);
    expect(second.items).toEqual([3, 4, 5]);
    const last = paginate(items, 3, second.nextCursor);
    expect(last.items).toEqual([6]);
    expect(last.nextCursor).toBeUndefined();
    expect(pageFooter(last, 'pods')).toBeUndefined();
  });

  it('restarts at 0 on a malformed cursor', () => {
    expect(decodeCursor('not-a-cursor')).toBe(0);
  });
});

describe('fitLines', () => {
  it('stops at the budget and says how many lines were left out', () => {
    const text = fitLines(
      Array.from({ length: 100 }, (_, index) => `line ${index} ${'x'.repeat(90)}`),
      1_000,
      'use grep',
    );
    expect(text.length).toBeLessThan(1_200);
    expect(text).toMatch(/… 90 more lines left out to stay within the output budget; use grep\.$/);
  });
});

describe('closestMatches', () => {
  it('suggests the nearest names for a typo and for a fragment', () => {
    const names = ['checkout', 'payments-api', 'payments-worker', 'cart'];
    expect(closestMatches('chekout', names)[0]).toBe('checkout');
    expect(closestMatches('payments', names)).toEqual(['payments-api', 'payments-worker']);
    expect(closestMatches('zzzzzzzzzz', names)).toEqual([]);
  });
});

describe('redactText', () => {
  it('redacts bearer tokens, JWTs, key=value secrets and URL passwords but keeps the message', () => {
    const text = [
      'calling psp with Authorization: Bearer sk_live_51HxYzAbCdEfGh',
      'token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXZhbHVl',
      'connecting to postgres://payments:hunter2@db:5432/payments',
      'PSP_API_KEY=abcd1234efgh and password: "s3cret!"',
    ].join('\n');
    const redacted = redactText(text);
    expect(redacted).not.toMatch(/sk_live_51HxYzAbCdEfGh|hunter2|abcd1234efgh|s3cret|eyJzdWIiOiJhZG1pbiJ9/);
    expect(redacted).toContain('calling psp with Authorization: Bearer [redacted]');
    expect(redacted).toContain('postgres://payments:[redacted]@db:5432/payments');
  });
});

describe('condenseLog', () => {
  it('collapses lines that differ only in timestamps and numbers, and greps', () => {
    const log = [
      '2026-03-02T10:00:01Z level=info msg="starting" version=2.4.0',
      '2026-03-02T10:00:02Z level=error msg="retrying db connect" attempt=1',
      '2026-03-02T10:00:03Z level=error msg="retrying db connect" attempt=2',
      '2026-03-02T10:00:04Z level=error msg="retrying db connect" attempt=3',
      '2026-03-02T10:00:05Z level=fatal msg="missing PAYMENTS_DB_URL"',
    ].join('\n');
    const condensed = condenseLog(log);
    expect(condensed.lines).toEqual([
      '2026-03-02T10:00:01Z level=info msg="starting" version=2.4.0',
      '2026-03-02T10:00:02Z level=error msg="retrying db connect" attempt=1',
      '  [previous line repeated 2 more times]',
      '2026-03-02T10:00:05Z level=fatal msg="missing PAYMENTS_DB_URL"',
    ]);
    expect(condensed.collapsedLines).toBe(2);
    expect(condenseLog(log, { grep: '/fatal|panic/' }).lines).toEqual([
      '2026-03-02T10:00:05Z level=fatal msg="missing PAYMENTS_DB_URL"',
    ]);
  });
});
