import { describe, expect, it } from 'vitest';
import { policySummaryEvidence } from './policy-summary.js';

const context = {
  source: 'list_policy_violations:prod-eu/namespace/payments',
  now: Date.parse('2026-12-04T12:00:00Z'),
};

function group(policy: string, rule: string, message: string, resources: string[]) {
  return { policy, rule, result: 'fail', message, resources, resourceRefs: [] };
}

describe('several Kyverno failures as one line', () => {
  it('names every failing resource once, pods through their controller, with the policies each fails', () => {
    const item = policySummaryEvidence(
      {
        groups: [
          group('require-limits', 'validate', 'validation error: limits are required.', [
            'Pod payments/fraud-check-7d9f8c-x2k4p',
          ]),
          group('require-limits', 'autogen-validate', 'validation error: limits are required.', [
            'Deployment payments/fraud-check',
          ]),
          group('require-team', 'check-team', 'validation error: The label `team` is required.', [
            'Deployment payments/fraud-check',
            'Deployment payments/gateway',
          ]),
        ],
      } as never,
      context,
    );
    expect(item?.statement).toBe(
      '2 resource(s) fail 2 Kyverno policies: Deployment payments/fraud-check fails require-limits (limits are ' +
        'required) and require-team (The label `team` is required); Deployment payments/gateway fails require-team ' +
        '(The label `team` is required)',
    );
    expect(item?.text).toContain('(validation error: limits are required)');
  });

  it('says nothing when one policy fails, on one resource or several (its own line says it all)', () => {
    for (const resources of [['Deployment a/b'], ['Deployment a/b', 'Deployment a/c']])
      expect(
        policySummaryEvidence(
          { groups: [group('require-limits', 'validate', 'validation error: x.', resources)] } as never,
          context,
        ),
      ).toBeUndefined();
  });

  it('is about the namespace, so a question about one workload sets it aside as a neighbour', () => {
    const item = policySummaryEvidence(
      {
        groups: [
          group('p1', 'r1', 'validation error: a.', ['Deployment shop/a']),
          group('p2', 'r2', 'validation error: b.', ['Deployment shop/b']),
        ],
      } as never,
      context,
    );
    expect(item?.about).toEqual({ objects: ['Namespace/shop'] });
  });
});
