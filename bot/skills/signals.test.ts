import { describe, expect, it } from 'vitest';
import { compileSignal, matchSignals, type MatchableSkill } from './signal-matcher.js';
import { parseSignals } from './signals.js';

function skill(name: string, signals: string): MatchableSkill {
  const parsed = parseSignals(signals);
  expect(parsed.errors).toEqual([]);
  return { name, signals: parsed.signals.map(compileSignal) };
}

describe('parseSignals', () => {
  it('parses kinds, values, substrings, regexes, weights and counter-signals', () => {
    const { signals, errors } = parseSignals(
      'reason:CrashLoopBackOff; event:FailedScheduling~"didn\'t match"\nlog~/no such host/i ^2; !kyverno:fail; ' +
        'argocd~"a;b"',
    );
    expect(errors).toEqual([]);
    expect(signals).toEqual([
      expect.objectContaining({ kind: 'reason', value: 'CrashLoopBackOff', weight: 1, isCounter: false }),
      expect.objectContaining({
        kind: 'event',
        value: 'FailedScheduling',
        pattern: { type: 'substring', text: "didn't match" },
      }),
      expect.objectContaining({
        kind: 'log',
        pattern: { type: 'regex', source: 'no such host', flags: 'i' },
        weight: 2,
      }),
      expect.objectContaining({ kind: 'kyverno', value: 'fail', isCounter: true }),
      expect.objectContaining({ kind: 'argocd', pattern: { type: 'substring', text: 'a;b' } }),
    ]);
  });

  it('keeps semicolons and escaped slashes inside regexes, and unescapes quotes in substrings', () => {
    const { signals, errors } = parseSignals('log~ /a;b\\/c/ ; any~"say \\"hi\\""');
    expect(errors).toEqual([]);
    expect(signals[0]?.pattern).toEqual({ type: 'regex', source: 'a;b\\/c', flags: '' });
    expect(signals[1]?.pattern).toEqual({ type: 'substring', text: 'say "hi"' });
  });

  it.each([
    ['pod:Crash', 'unknown signal kind'],
    ['reason:', 'missing value'],
    ['log~"open', 'unterminated'],
    ['log~/(/', 'invalid regex'],
    ['log~/x/g', 'flags'],
    ['log', 'needs a value'],
    ['reason:A ^20', 'weight'],
    ['reason:A extra', 'unexpected'],
    ['log~""', 'empty pattern'],
  ])('rejects %s', (input, message) => {
    const { errors } = parseSignals(input);
    expect(errors).toEqual([expect.objectContaining({ message: expect.stringContaining(message) })]);
  });

  it('reports every bad clause with its offset and keeps the good ones', () => {
    const { signals, errors } = parseSignals('reason:A; bad:B; event:C; log~"x');
    expect(signals.map((signal) => signal.value)).toEqual(['A', 'C']);
    expect(errors.map((error) => error.offset)).toEqual([10, 26]);
  });
});

describe('matchSignals', () => {
  it('matches values as whole words, case-insensitively, only on their evidence kinds', () => {
    const skills = [skill('fail-word', 'kyverno:fail')];
    expect(matchSignals(skills, [{ kind: 'kyverno', source: 'k', text: 'policy x rule y: FAIL' }])).toHaveLength(1);
    expect(matchSignals(skills, [{ kind: 'kyverno', source: 'k', text: 'policy x: failed' }])).toEqual([]);
    expect(matchSignals(skills, [{ kind: 'log', source: 'l', text: 'fail' }])).toEqual([]);
  });

  it('needs value and pattern in the same item, and returns the matched line', () => {
    const skills = [skill('sched', 'event:FailedScheduling~"didn\'t match"')];
    const evidence = [
      {
        kind: 'event' as const,
        source: 'e1',
        text: 'Warning FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu.',
      },
      {
        kind: 'event' as const,
        source: 'e2',
        text: "Warning FailedScheduling\n0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.",
      },
    ];
    const [match] = matchSignals(skills, evidence);
    expect(match?.hits).toEqual([
      expect.objectContaining({
        source: 'e2',
        line: "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.",
      }),
    ]);
  });

  it('weights rare and specific clauses above shared, bare ones', () => {
    const skills = [
      skill('generic', 'reason:CrashLoopBackOff'),
      skill('config', 'reason:CrashLoopBackOff; log~"is required"'),
      skill('oom', 'reason:CrashLoopBackOff; reason:OOMKilled'),
    ];
    const evidence = [
      { kind: 'container_state' as const, source: 'c', text: 'waiting reason=CrashLoopBackOff' },
      { kind: 'log' as const, source: 'l', text: 'fatal: PAYMENTS_URL is required' },
    ];
    expect(matchSignals(skills, evidence).map((match) => match.name)).toEqual(['config', 'generic', 'oom']);
  });

  it('subtracts counter-signals and drops skills with no positive hit', () => {
    const skills = [
      skill('probe', 'event:Unhealthy~"Liveness probe failed"; !reason:OOMKilled ^10'),
      skill('counter-only', 'log~"zzz"; !reason:OOMKilled'),
    ];
    const evidence = [
      {
        kind: 'event' as const,
        source: 'e',
        text: 'Warning Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500',
      },
      { kind: 'container_state' as const, source: 'c', text: 'last terminated reason=OOMKilled exitCode=137' },
    ];
    expect(matchSignals(skills, evidence)).toEqual([]);
    expect(matchSignals(skills, evidence.slice(0, 1)).map((match) => match.name)).toEqual(['probe']);
  });
});
