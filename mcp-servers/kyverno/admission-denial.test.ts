import { describe, expect, it } from 'vitest';
import { parseAdmissionDenial } from './admission-denial.js';
import { failedPathOf } from './denial-explanation.js';
import { patternRequirements, ruleRequirements } from './pattern-requirements.js';
import { policyMode, ruleMode, type KyvernoPolicy } from './policy-shapes.js';

// The text Kyverno puts in the API error (and Argo CD copies into the sync operation message).
const DENIAL =
  `one or more objects failed to apply, reason: admission webhook "validate.kyverno.svc-fail" denied the request: ` +
  `

resource Deployment/payments/payments-api was blocked due to the following policies 

require-resource-limits:
  check-memory-limit: 'validation error: Memory limits are required for every container. rule ` +
  `check-memory-limit failed at path /spec/template/spec/containers/0/resources/limits/'
disallow-latest-tag:
  require-image-tag: 'validation error: An image tag is required. rule require-image-tag failed at path ` +
  `/spec/template/spec/containers/0/image/'`;

describe('parseAdmissionDenial', () => {
  it('maps every blocked policy and rule with its message', () => {
    const parsed = parseAdmissionDenial(DENIAL);
    expect(parsed?.resource).toBe('Deployment/payments/payments-api');
    expect(parsed?.denials).toEqual([
      {
        policy: 'require-resource-limits',
        rule: 'check-memory-limit',
        message:
          'validation error: Memory limits are required for every container. rule check-memory-limit failed at ' +
          'path /spec/template/spec/containers/0/resources/limits/',
      },
      {
        policy: 'disallow-latest-tag',
        rule: 'require-image-tag',
        message:
          'validation error: An image tag is required. rule require-image-tag failed at path ' +
          '/spec/template/spec/containers/0/image/',
      },
    ]);
  });

  it('parses the message when flattened onto one line', () => {
    const parsed = parseAdmissionDenial(DENIAL.replace(/\n+/g, ' '));
    expect(parsed?.denials.map((denial) => `${denial.policy}/${denial.rule}`)).toEqual([
      'require-resource-limits/check-memory-limit',
      'disallow-latest-tag/require-image-tag',
    ]);
  });

  it('parses the PolicyViolation event Kyverno records for a blocked request', () => {
    expect(
      parseAdmissionDenial(
        'Deployment shop/checkout: [check-team] fail (blocked); validation error: Deployments need a team ' +
          'label. rule check-team failed at path /metadata/labels/team/',
      ),
    ).toEqual({
      resource: 'Deployment/shop/checkout',
      denials: [
        {
          policy: '?',
          rule: 'check-team',
          message:
            'validation error: Deployments need a team label. rule check-team failed at path /metadata/labels/team/',
        },
      ],
    });
  });

  it('ignores text that is not a denial', () => {
    expect(parseAdmissionDenial('Back-off restarting failed container')).toBeUndefined();
  });

  it('turns the failed path into a field path', () => {
    expect(failedPathOf(DENIAL)).toBe('spec.template.spec.containers[0].resources.limits');
  });
});

describe('requirements', () => {
  it('flattens a pattern into field paths with what each must be', () => {
    const lines = patternRequirements({
      spec: {
        template: {
          spec: {
            containers: [
              {
                resources: { limits: { memory: '?*' } },
                '=(securityContext)': { runAsNonRoot: true },
                image: '!*:latest',
              },
            ],
          },
        },
      },
    });
    expect(lines).toEqual([
      'spec.template.spec.containers[*].resources.limits.memory must be set (any non-empty value)',
      'spec.template.spec.containers[*].securityContext.runAsNonRoot must be true (if present)',
      'spec.template.spec.containers[*].image must not be *:latest',
    ]);
  });

  it('describes deny conditions and pod security', () => {
    expect(
      ruleRequirements({
        name: 'r',
        validate: {
          deny: {
            conditions: { any: [{ key: '{{ request.object.spec.replicas }}', operator: 'GreaterThan', value: 10 }] },
          },
        },
      }),
    ).toEqual(['denied when any of: {{ request.object.spec.replicas }} GreaterThan 10']);
    expect(
      ruleRequirements({ name: 'r', validate: { podSecurity: { level: 'restricted', version: 'latest' } } }),
    ).toEqual(["pods must meet Pod Security Standard 'restricted' (latest)"]);
  });

  it('takes the rule failureAction over the policy default', () => {
    const policy: KyvernoPolicy = {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'p' },
      spec: {
        validationFailureAction: 'Audit',
        rules: [
          { name: 'a', validate: { failureAction: 'Enforce' } },
          { name: 'b', validate: {} },
        ],
      },
    };
    expect(ruleMode(policy, policy.spec!.rules![0]!)).toBe('Enforce');
    expect(ruleMode(policy, policy.spec!.rules![1]!)).toBe('Audit');
    expect(policyMode(policy)).toBe('Mixed');
  });
});
