import { describe, expect, it } from 'vitest';
import type { Entities } from '../entities.js';
import { evidenceFromSections } from '../evidence/build-evidence.js';
import type { GatheredSection } from '../evidence/section.js';
import { readToolResult } from '../tool-results/read-result.js';
import type { ReadTool } from '../tool-results/result-schemas.js';
import { attribute, attributionOf } from './attribute.js';
import { attributeSections, attributeToolResult } from './prompt-attribution.js';
import { subjectOf } from './subject.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');

function section(tool: ReadTool, target: string, structured: unknown): GatheredSection {
  const result = { text: 'not read', structured, isError: false };
  return {
    tool,
    read: readToolResult(tool, result, 'prod-eu'),
    instance: 'prod-eu',
    target,
    text: '',
    isError: false,
  } as GatheredSection;
}

const entities = (extra: Partial<Entities>): Entities => ({ related: [], alternatives: [], unreachable: [], ...extra });
const checkout = { kind: 'Deployment', name: 'checkout', namespace: 'shop', cluster: 'prod-eu', isHealthy: false };

const workload = section('describe_workload', 'deployment/shop/checkout', {
  kind: 'Deployment',
  namespace: 'shop',
  name: 'checkout',
  pods: [
    {
      name: 'checkout-7d9f-x1',
      phase: 'Pending',
      isHealthy: false,
      owners: [
        { kind: 'ReplicaSet', name: 'checkout-7d9f' },
        { kind: 'Deployment', name: 'checkout' },
      ],
    },
  ],
  missingReferences: [{ kind: 'ConfigMap', name: 'checkout-flags', usedBy: 'volume flags' }],
});

const event = (object: unknown, message: string, extra: Record<string, unknown> = {}) => ({
  type: 'Warning',
  reason: 'BackOff',
  object,
  message,
  count: 3,
  ...extra,
});

const namespaceEvents = section('list_events', 'namespace/shop', {
  groups: [
    // The subject's pod, owners resolved by the server.
    event('Pod/checkout-7d9f-x1', 'Back-off pulling image', {
      owners: [
        { kind: 'ReplicaSet', name: 'checkout-7d9f' },
        { kind: 'Deployment', name: 'checkout' },
      ],
    }),
    // A neighbour whose name starts like the subject's: its owner chain says whose it is.
    event('Pod/checkout-worker-5c-aa', 'Back-off restarting failed container', {
      owners: [
        { kind: 'ReplicaSet', name: 'checkout-worker-5c' },
        { kind: 'Deployment', name: 'checkout-worker' },
      ],
    }),
    // An HPA of another app that cannot read metrics.
    event({ kind: 'HorizontalPodAutoscaler', name: 'search' }, 'failed to get cpu utilization', {
      argocdApp: 'search',
    }),
    // A ConfigMap the subject mounts: a dependency the evidence shows.
    event('ConfigMap/checkout-flags', 'configmap checkout-flags is being deleted'),
    // No owners known (the pod is gone), but the generated name is the subject's ReplicaSet's.
    event('Pod/checkout-7d9f-zz', 'Back-off pulling image'),
  ],
});

describe('attribution through ownership', () => {
  it("keeps the subject's own lines and its dependencies', and sets the neighbours' aside", () => {
    const subject = subjectOf(entities({ workload: checkout }), [workload, namespaceEvents]);
    expect(subject).toBeDefined();
    if (!subject) return;
    const evidence = evidenceFromSections([namespaceEvents], NOW);
    expect(evidence.map((item) => attributionOf(item, subject))).toEqual([
      'own',
      'neighbour',
      'neighbour',
      'dependency',
      'own',
    ]);
    const { relevant, neighbours } = attribute(evidence, subject);
    expect(relevant.map((item) => item.statement)).toEqual([
      'Pod/checkout-7d9f-x1: Back-off pulling image',
      'ConfigMap/checkout-flags: configmap checkout-flags is being deleted',
      'Pod/checkout-7d9f-zz: Back-off pulling image',
    ]);
    expect(neighbours).toHaveLength(2);
  });

  it("counts a policy group when one of its resources is the app's, and the app's events by their Argo CD app", () => {
    const subject = subjectOf(entities({ app: { name: 'checkout', instance: 'argocd-eu-1' } }), []);
    if (!subject) throw new Error('an app is a subject');
    const policies = section('list_policy_violations', 'namespace/shop', {
      groups: [
        {
          policy: 'require-limits',
          rule: 'check',
          result: 'fail',
          message: 'limits are required',
          resources: ['Deployment shop/cart', 'Deployment shop/checkout'],
          resourceRefs: [
            { kind: 'Deployment', name: 'cart', argocdApp: 'cart' },
            { kind: 'Deployment', name: 'checkout', argocdApp: 'checkout' },
          ],
        },
        {
          policy: 'require-team-label',
          rule: 'check',
          result: 'fail',
          message: 'team label',
          resources: ['Deployment shop/cart'],
          resourceRefs: [{ kind: 'Deployment', name: 'cart', argocdApp: 'cart' }],
        },
      ],
    });
    const events = section('list_events', 'namespace/shop', {
      groups: [
        event('Pod/web-1', 'unrelated', { argocdApp: 'checkout' }),
        event('Pod/web-2', 'other app', { argocdApp: 'cart' }),
      ],
    });
    const { relevant } = attribute(evidenceFromSections([policies, events], NOW), subject);
    expect(relevant.map((item) => item.text)).toEqual([
      'require-limits/check [fail] x2: limits are required — Deployment shop/cart, Deployment shop/checkout',
      'x3 Warning BackOff Pod/web-1 (? ago): unrelated',
    ]);
  });

  it('attributes nothing away when the question is about a whole namespace', () => {
    const evidence = evidenceFromSections([namespaceEvents], NOW);
    expect(subjectOf(entities({ namespace: 'shop' }), [namespaceEvents])).toBeUndefined();
    expect(attribute(evidence, undefined).relevant).toHaveLength(evidence.length);
  });

  it('gives the model the same attribution: namespace-wide lines sorted by ownership, neighbours marked', () => {
    const subject = subjectOf(entities({ workload: checkout }), [workload, namespaceEvents]);
    const [described, events] = attributeSections([workload, namespaceEvents], subject, NOW);
    // A section about one object keeps the server's text; a namespace-wide one is regrouped.
    expect(described?.text).toBe(workload.text);
    const text = events?.text ?? '';
    const neighbourStart = text.indexOf('Not related by ownership');
    expect(neighbourStart).toBeGreaterThan(0);
    expect(text.slice(0, neighbourStart)).toContain('Pod/checkout-7d9f-x1 (? ago): Back-off pulling image');
    expect(text.slice(0, neighbourStart)).toContain('ConfigMap/checkout-flags');
    expect(text.slice(neighbourStart)).toContain('failed to get cpu utilization');
    expect(text.slice(neighbourStart)).toContain('checkout-worker-5c-aa');
    expect(text.slice(neighbourStart)).not.toContain('checkout-7d9f-x1');
    // A tool the model calls itself comes back attributed the same way; without a subject, as it was.
    const raw = { text: 'server text', structured: { groups: [] }, isError: false };
    const called = attributeToolResult(
      'list_events',
      { namespace: 'shop' },
      { ...raw, structured: { groups: [event({ kind: 'HorizontalPodAutoscaler', name: 'search' }, 'no metrics')] } },
      subject,
      NOW,
    );
    expect(called.text).toMatch(
      /^Not related by ownership[^\n]*\n- x3 Warning BackOff HorizontalPodAutoscaler\/search/,
    );
    expect(attributeToolResult('list_events', {}, raw, undefined, NOW)).toBe(raw);
    expect(
      attributeToolResult('list_events', {}, { text: 'odd', structured: { nope: 1 }, isError: false }, subject, NOW)
        .text,
    ).toBe('odd');
  });
});
