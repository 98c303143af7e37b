import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skillCatalogPort } from '../runtime/skill-catalog-port.js';
import { createSkillCatalog } from '../skills/catalog.js';
import type { SkillCatalog as DiskCatalog } from '../skills/catalog-types.js';
import { evidenceFromSections } from './evidence/build-evidence.js';
import type { GatheredSection } from './evidence/section.js';
import type { SkillCatalog } from './ports.js';
import { readToolResult } from './tool-results/read-result.js';
import type { ReadTool } from './tool-results/result-schemas.js';
import { factsOf } from './diagnosis/facts.js';
import { triage } from './triage.js';

describe('root-cause statements', () => {
  it('states an event without its count and age, even when the matcher clipped the line', async () => {
    const { triage } = await import('./triage.js');
    const { eventEvidence } = await import('./evidence/event-lines.js');
    const message = `Failed to pull image "registry.example.com/shop/checkout:1.8.3": ${'not found '.repeat(30)}`;
    const group = {
      type: 'Warning',
      reason: 'Failed',
      object: 'Pod/checkout-4jxrkhn4qv-94fb8',
      message,
      count: 11,
      lastSeen: '2026-11-24T11:56:00Z',
    };
    const evidence = eventEvidence([group], {
      source: 'describe_workload:prod-eu/deployment/shop/checkout',
      now: Date.parse('2026-11-24T12:00:00Z'),
    });
    const text = evidence[0]?.text ?? '';
    expect(text.startsWith('x11 Warning Failed Pod/checkout-4jxrkhn4qv-94fb8 (4m ago): Failed to pull image')).toBe(
      true,
    );
    const skill = {
      name: 'image-pull-errors',
      description: 'Image pulls fail.',
      body: '',
      fix: '- fix the tag',
      references: [],
    };
    const catalog = {
      names: () => [skill.name],
      promptIndex: () => '',
      get: () => skill,
      readFile: () => Promise.resolve(undefined),
      match: () => [],
      search: () => [],
    };
    const hit = {
      signal: 'event:Failed',
      line: `${text.slice(0, 239)}…`,
      source: evidence[0]?.source ?? '',
      weight: 2,
    };
    const finding = triage('why', evidence, [{ name: skill.name, score: 2, hits: [hit] }], catalog);
    expect(
      finding.rootCause.startsWith(
        'Pod/checkout-4jxrkhn4qv-94fb8: Failed to pull image "registry.example.com/shop/checkout:1.8.3": not found',
      ),
    ).toBe(true);
    const { asStatement } = await import('./diagnosis/statements.js');
    expect(asStatement('reporting last terminated OOMKilled (exit 137) 5m ago, 39 restarts (memory limit 512Mi)')).toBe(
      'reporting last terminated OOMKilled (exit 137) 5m ago, 39 restarts (memory limit 512Mi)',
    );
  });

  it('says who logged a log line, and reduces a JSON log line to its level, message and error', async () => {
    const { asStatement, logMessage } = await import('./diagnosis/statements.js');
    const json =
      '{"level":"fatal","ts":"2026-11-24T04:00:00Z","msg":"config: required key PAYMENTS_DB_URL missing ' +
      'value","error":"envconfig.Process: PAYMENTS_DB_URL"}';
    expect(asStatement(json, 'describe_workload:prod-eu/deployment/payments/payments-api')).toBe(
      'payments-api logged: fatal: config: required key PAYMENTS_DB_URL missing value (envconfig.Process: ' +
        'PAYMENTS_DB_URL)',
    );
    expect(
      asStatement(
        'ERROR dial tcp: lookup shipping on 10.96.0.10:53: no such host',
        'get_pod_logs:prod-eu/pod/shop/checkout-7d9f-x2',
      ),
    ).toBe('checkout-7d9f-x2 logged: ERROR dial tcp: lookup shipping on 10.96.0.10:53: no such host');
    // Informational levels are not repeated, an error already in the message is not doubled, stack traces keep their
    // first line.
    expect(logMessage('{"level":"info","message":"listening on :8080"}')).toBe('listening on :8080');
    expect(logMessage('{"severity":"ERROR","msg":"db: timeout","err":"db: timeout"}')).toBe('error: db: timeout');
    expect(logMessage('{"level":"error","msg":"boom","stack":"Error: boom\\n    at main (app.js:1)"}')).toBe(
      'error: boom (Error: boom)',
    );
    // Not a JSON object with a message: left to the plain-line rules.
    for (const line of ['{"level":"fatal"}', '{not json}', '[1,2]', 'plain text'])
      expect(logMessage(line)).toBeUndefined();
  });
});

describe('triage fix', () => {
  const skill = (fix: string) => ({
    name: 'service-connectivity',
    description: 'Service calls fail.',
    body: '',
    fix,
    references: [],
  });
  const catalogOf = (fix: string) => ({
    names: () => ['service-connectivity'],
    promptIndex: () => '',
    get: () => skill(fix),
    readFile: () => Promise.resolve(undefined),
    match: () => [],
    search: () => [],
  });
  const hits = (lines: string[]) => [
    {
      name: 'service-connectivity',
      score: 5,
      hits: lines.map((line) => ({ signal: 's', line, source: 'check_service:prod/service/shop/cart', weight: 2 })),
    },
  ];
  const cases = [
    '- wrong hostname: fix the URL in the caller values',
    '- selector matches no pods: make the Service selector and the pod labels agree',
    '- port mismatch: point targetPort at the named port',
  ].join('\n');

  it('states the case the evidence singles out as the fix, and moves it first', async () => {
    const { triage } = await import('./triage.js');
    const finding = triage('why', [], hits(['Service cart: selector matches no pods in shop']), catalogOf(cases));
    expect(finding.fix?.description).toBe(
      'selector matches no pods: make the Service selector and the pod labels agree',
    );
    expect(finding.nextSteps[0]).toBe(finding.fix?.description);
  });

  it('offers the first case as the most common one, not as the fix, when the evidence does not choose', async () => {
    const { triage } = await import('./triage.js');
    const finding = triage('why', [], hits(['connection refused']), catalogOf(cases));
    expect(finding.fix?.description).toBe(
      "wrong hostname: fix the URL in the caller values. (The skill's most common case; nothing in the evidence " +
        'singled it out, so check that it fits.)',
    );
    expect(finding.nextSteps[0]).toBe('wrong hostname: fix the URL in the caller values');
    // A single case is the fix.
    expect(
      triage('why', [], hits(['connection refused']), catalogOf('- port mismatch: point targetPort at the named port'))
        .fix?.description,
    ).toBe('port mismatch: point targetPort at the named port');
  });
});

describe('triage on small structured evidence', () => {
  const NOW = Date.parse('2026-11-24T12:00:00Z');
  let disk: DiskCatalog;
  let catalog: SkillCatalog;

  beforeAll(async () => {
    disk = await createSkillCatalog({ roots: [join(import.meta.dirname, '..', '..', 'skills')] });
    catalog = skillCatalogPort(disk);
  });

  afterAll(async () => {
    await disk.close();
  });

  function section(tool: ReadTool, target: string, structured: unknown): GatheredSection {
    const result = { text: '', structured, isError: false };
    return {
      tool,
      read: readToolResult(tool, result, 'prod-eu'),
      instance: 'prod-eu',
      target,
      text: '',
      isError: false,
    } as GatheredSection;
  }
  const pod = (problems: string[], containers: unknown[]) => ({
    name: 'reporting-5295-vlcbr',
    phase: 'Running',
    ready: '0/1',
    restarts: 39,
    isHealthy: false,
    problems,
    containers,
  });

  it('names an OOM kill and the memory limit as the root cause', () => {
    const report = {
      kind: 'Deployment',
      namespace: 'reports',
      name: 'reporting',
      pods: [
        pod(
          [
            'reporting waiting: CrashLoopBackOff — back-off 5m0s',
            'reporting last terminated OOMKilled (exit 137) 5m ago, 39 restarts (memory limit 512Mi)',
          ],
          [{ name: 'reporting', restarts: 39, state: 'waiting: CrashLoopBackOff' }],
        ),
      ],
    };
    const evidence = evidenceFromSections([section('describe_workload', 'deployment/reports/reporting', report)], NOW);
    const finding = triage('why does reporting keep restarting?', evidence, catalog.match(evidence), catalog);
    expect(catalog.match(evidence)[0]?.name).toBe('oomkilled');
    expect(finding.rootCause).toContain('OOMKilled (exit 137)');
    expect(finding.rootCause).toContain('memory limit 512Mi');
  });

  it('names the missing Secret from the event and the pod state', () => {
    const report = {
      kind: 'Deployment',
      namespace: 'identity',
      name: 'auth',
      pods: [
        pod(
          ['auth waiting: CreateContainerConfigError — secret "auth-db-credentials" not found'],
          [{ name: 'auth', restarts: 0, state: 'waiting: CreateContainerConfigError' }],
        ),
      ],
      missingReferences: [
        { kind: 'Secret', name: 'auth-db-credentials', usedBy: 'env DB_PASSWORD key password (auth)' },
      ],
      warningEvents: [
        {
          type: 'Warning',
          reason: 'Failed',
          object: 'Pod/auth-1',
          message: 'Error: secret "auth-db-credentials" not found',
          count: 9,
          lastSeen: new Date(NOW - 60_000).toISOString(),
        },
      ],
    };
    const sections = [section('describe_workload', 'deployment/identity/auth', report)];
    const evidence = evidenceFromSections(sections, NOW);
    const matches = catalog.match(evidence);
    expect(matches[0]?.name).toBe('missing-configmap-or-secret');
    const facts = factsOf({ related: [], alternatives: [], unreachable: [] }, sections);
    const finding = triage('why is auth down?', evidence, matches, catalog, { facts });
    expect(finding.rootCause).toContain('auth-db-credentials');
    // The Secret case, with the Secret's name; no ConfigMap advice beside it.
    expect(finding.fix?.description).toMatch(/^Missing Secret: .*Secret auth-db-credentials/);
    expect(finding.nextSteps.join(' ')).not.toMatch(/ConfigMap/);
    expect(finding.confidence).toBe('high');
    // Without the facts, the fix cannot name the Secret: one step less sure, by the rule.
    expect(triage('why is auth down?', evidence, matches, catalog).confidence).toBe('medium');
  });

  it('says what was checked when the structured results show nothing wrong', () => {
    const evidence = evidenceFromSections(
      [
        section('list_events', 'namespace/shop', { groups: [], total: 0 }),
        section('explain_admission_denial', 'app/shop', { denials: [] }),
      ],
      NOW,
    );
    expect(evidence).toEqual([]);
    const finding = triage('why is shop slow?', evidence, catalog.match(evidence), catalog);
    expect(finding.summary).toBe('Nothing the question names was found.');
  });
});
