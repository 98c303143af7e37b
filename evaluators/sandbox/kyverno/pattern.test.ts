/**
 * The validate.pattern subset of README.md, case by case, with Kyverno's failure paths.
 */
import { describe, expect, it } from 'vitest';
import { matchPattern, matchValue } from './pattern.js';

describe('matchValue', () => {
  it('supports wildcards, negation, alternatives and comparisons', () => {
    expect(matchValue('nginx:1.27', '*:*')).toBe(true);
    expect(matchValue('nginx:latest', '!*:latest')).toBe(false);
    expect(matchValue('nginx:1.27', '!*:latest')).toBe(true);
    expect(matchValue('registry.example.com/a:1', 'registry.example.com/* | ghcr.io/*')).toBe(true);
    expect(matchValue('docker.io/a:1', 'registry.example.com/* | ghcr.io/*')).toBe(false);
    expect(matchValue('v1', 'v?')).toBe(true);
    expect(matchValue('', '?*')).toBe(false);
    expect(matchValue('512Mi', '<=1Gi')).toBe(true);
    expect(matchValue('2Gi', '<=1Gi')).toBe(false);
    expect(matchValue(3, '1-5')).toBe(true);
    expect(matchValue(true, true)).toBe(true);
  });
});

describe('matchPattern', () => {
  const pod = (containers: unknown[], labels: Record<string, string> = {}) => ({
    metadata: { name: 'p', labels },
    spec: { containers },
  });

  it('fails with the path of the first offending element', () => {
    const result = matchPattern(
      pod([
        { name: 'a', image: 'x:1' },
        { name: 'b', image: 'x:latest' },
      ]),
      { spec: { containers: [{ image: '!*:latest' }] } },
    );
    expect(result).toEqual({ status: 'fail', path: '/spec/containers/1/image/' });
  });

  it('requires fields that the pattern names and treats ?* as non-empty', () => {
    expect(matchPattern(pod([]), { metadata: { labels: { team: '?*' } } })).toEqual({
      status: 'fail',
      path: '/metadata/labels/team/',
    });
    expect(matchPattern(pod([], { team: 'shop' }), { metadata: { labels: { team: '?*' } } }).status).toBe('pass');
  });

  it('checks equality anchors only when the field is present', () => {
    const pattern = { spec: { containers: [{ '=(securityContext)': { runAsNonRoot: true } }] } };
    expect(matchPattern(pod([{ name: 'a' }]), pattern).status).toBe('pass');
    expect(matchPattern(pod([{ name: 'a', securityContext: { runAsNonRoot: false } }]), pattern)).toEqual({
      status: 'fail',
      path: '/spec/containers/0/securityContext/runAsNonRoot/',
    });
  });

  it('skips elements whose conditional anchor does not match', () => {
    const pattern = { spec: { containers: [{ '(name)': 'app*', resources: { limits: { memory: '?*' } } }] } };
    expect(matchPattern(pod([{ name: 'sidecar' }]), pattern).status).toBe('pass');
    expect(matchPattern(pod([{ name: 'app-1' }]), pattern)).toEqual({
      status: 'fail',
      path: '/spec/containers/0/resources/',
    });
  });

  it('rejects fields a negation anchor forbids', () => {
    expect(matchPattern({ spec: { hostNetwork: true } }, { spec: { 'X(hostNetwork)': 'null' } })).toEqual({
      status: 'fail',
      path: '/spec/hostNetwork/',
    });
    expect(matchPattern({ spec: {} }, { spec: { 'X(hostNetwork)': 'null' } }).status).toBe('pass');
  });

  it('needs one matching element for an existence anchor', () => {
    const pattern = { spec: { '^(containers)': [{ image: 'registry.example.com/*' }] } };
    expect(matchPattern(pod([{ image: 'docker.io/x' }, { image: 'registry.example.com/y' }]), pattern).status).toBe(
      'pass',
    );
    expect(matchPattern(pod([{ image: 'docker.io/x' }]), pattern).status).toBe('fail');
  });
});
