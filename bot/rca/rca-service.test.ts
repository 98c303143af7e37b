import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitRepo, type GitRepo } from '../../evaluators/sandbox/git/git-repo.js';
import { startFakeGithub, type FakeGithub } from '../../evaluators/sandbox/git-host/fake-github.js';
import { createGithubProvider } from '../git/github-provider.js';
import { migrate } from '../store/migrate.js';
import { createPgliteDatabase } from '../store/pglite-database.js';
import { createStore, type Store } from '../store/store.js';
import { onlyHumanFindings } from './lint-rca.js';
import { createRcaService, type RcaService } from './rca-service.js';

const REVISION = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';

/** An answered investigation with the tool results a real run records. */
async function seed(store: Store, clock: { now: Date }): Promise<void> {
  clock.now = new Date('2026-11-24T10:10:00Z');
  await store.investigations.create({
    id: 'inv-1',
    source: 'slack',
    question: 'why is checkout failing in prod?',
    channel: 'C0PAYMENTS',
    thread: '1795860600.000100',
    userId: 'U0ASKER01',
  });
  await store.toolCalls.record({
    investigationId: 'inv-1',
    server: 'gateway',
    instance: 'argocd-eu-1',
    tool: 'get_application',
    arguments: { name: 'checkout' },
    outcome: 'ok',
    durationMs: 20,
    result: {
      name: 'checkout',
      health: 'Degraded',
      sync: 'Synced',
      source: { repoURL: 'https://github.com/acme/gitops.git' },
      history: [
        { id: '7', revision: REVISION, deployedAt: '2026-11-24T10:00:00Z', message: 'bump checkout to 9.9.9' },
        { id: '6', revision: 'ffffffffffffffffffffffffffffffffffffffff', deployedAt: '2026-11-20T08:00:00Z' },
      ],
    },
  });
  await store.toolCalls.record({
    investigationId: 'inv-1',
    server: 'gateway',
    tool: 'list_events',
    arguments: { namespace: 'checkout' },
    outcome: 'ok',
    durationMs: 10,
    result: {
      groups: [
        {
          type: 'Warning',
          reason: 'Failed',
          object: 'Pod/checkout-7d9',
          message: 'Failed to pull image "shop/checkout:9.9.9": not found',
          count: 12,
          lastSeen: '2026-11-24T10:02:00Z',
        },
      ],
    },
  });
  clock.now = new Date('2026-11-24T10:11:00Z');
  await store.investigations.finish('inv-1', {
    status: 'answered',
    answer: {
      rootCause: 'Deployment checkout uses image tag 9.9.9, which does not exist in the registry.',
      summary: 'checkout pods cannot pull their image.',
      confidence: 'high',
      nextSteps: ['Set the tag back to 9.8.1 in values-prod.yaml.'],
      evidence: [],
      skills: ['image-pull-backoff'],
      instances: ['argocd-eu-1'],
      notes: [],
    },
    usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0 },
  });
}

describe('RCA service over PGlite', () => {
  let store: Store;
  let service: RcaService;
  let dir: string;
  let postmortems: GitRepo;
  let github: FakeGithub;
  const clock = { now: new Date('2026-11-24T10:00:00Z') };

  beforeAll(async () => {
    const db = await createPgliteDatabase();
    await migrate(db);
    store = createStore(db, { now: () => clock.now });
    await seed(store, clock);
    dir = await mkdtemp(join(tmpdir(), 'rca-postmortems-'));
    postmortems = await createGitRepo(join(dir, 'postmortems.git'), [
      { message: 'seed', author: 'Seed <s@example.com>', date: new Date(0), files: { 'README.md': '# Postmortems\n' } },
    ]);
    github = await startFakeGithub({ repositories: { 'acme/postmortems': postmortems.path } });
    const provider = createGithubProvider({ baseUrl: github.url, token: github.token });
    let n = 0;
    service = createRcaService({
      store,
      teamOf: () => 'payments',
      newId: () => `rca-${(n += 1)}`,
      postmortems: { provider, repository: 'acme/postmortems', baseBranch: 'main', directory: 'postmortems' },
    });
  });
  afterAll(async () => {
    await store.close();
    await github?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('drafts from the records: manager fields, the introducing commit, a sourced timeline', async () => {
    clock.now = new Date('2026-11-24T11:00:00Z');
    const { rca, document, findings, isNew } = await service.draft('inv-1', {
      author: 'U0ASKER01',
      messages: [{ ts: '1795860900.000200', user: 'U0ONCALL1', isBot: false, text: '<@U0ONCALL1> rolling back now' }],
    });
    expect(isNew).toBe(true);
    expect(rca).toMatchObject({ id: 'rca-1', status: 'draft', team: 'payments', service: 'checkout', version: 1 });
    expect(document.trigger).toContain('revision 1a2b3c4 ("bump checkout to 9.9.9")');
    expect(document.detection).toMatchObject({
      startedAt: '2026-11-24T10:00:00.000Z',
      detectedAt: '2026-11-24T10:10:00.000Z',
    });
    expect(rca.minutesToDetect).toBe(10);
    const kinds = document.timeline.map((row) => row.source.kind);
    expect(kinds).toEqual(['commit', 'event', 'message', 'tool-call', 'investigation', 'message']);
    expect(document.timeline[0]?.source.url).toBe(`https://github.com/acme/gitops/commit/${REVISION}`);
    expect(document.timeline.at(-1)?.text).toBe('Wrote in the thread: a teammate rolling back now');
    expect(document.timeline.at(-1)?.actor).toBe('responder');
    expect(onlyHumanFindings(findings)).toBe(true);
    expect(findings.map((f) => f.section)).toEqual(expect.arrayContaining(['severity', 'actionItems', 'impact']));
    expect(rca.bodyMarkdown).toMatch(/^# checkout: Deployment checkout uses image tag 9\.9\.9/);
    expect((await service.draft('inv-1', { author: 'U2' })).isNew).toBe(false);
  });

  it('versions every edit with who, when and which fields; refuses a stale edit', async () => {
    clock.now = new Date('2026-11-24T12:00:00Z');
    const edited = await service.edit(
      'rca-1',
      { severity: 'sev2', summary: 'Checkout was down for 25 minutes.' },
      { editor: 'U0ONCALL1', expectedVersion: 1 },
    );
    expect(edited.rca.version).toBe(2);
    expect(edited.document.needsHuman).not.toContain('severity');
    await expect(service.edit('rca-1', { severity: 'sev1' }, { editor: 'U3', expectedVersion: 1 })).rejects.toThrow(
      /changed this RCA since you opened it/,
    );
    await expect(service.edit('rca-1', { severity: 'sev9' as never }, { editor: 'U3' })).rejects.toThrow(/^severity/);
    const versions = await store.rcas.listVersions('rca-1');
    expect(versions.map((v) => [v.version, v.editedBy, v.changes])).toEqual([
      [2, 'U0ONCALL1', ['needsHuman', 'severity', 'summary']],
      [1, 'U0ASKER01', ['created']],
    ]);
    expect(versions[0]?.editedAt.toISOString()).toBe('2026-11-24T12:00:00.000Z');
  });

  it('moves draft → in review → published, and publishes only a lint-clean document', async () => {
    await expect(service.transition('rca-1', 'published', { editor: 'U1' })).rejects.toThrow(
      /draft cannot become published/,
    );
    await service.transition('rca-1', 'in_review', { editor: 'U1' });
    await expect(service.transition('rca-1', 'published', { editor: 'U1' })).rejects.toThrow(
      /Resolve the review hints/,
    );
    await service.edit(
      'rca-1',
      {
        impact: 'Every checkout request failed for 25 minutes.',
        actionItems: [{ text: 'Check image tags in CI', owner: 'platform team', due: '2026-12-15', ticket: '' }],
        lessons: { wentWell: ['Fast answer.'], wentWrong: ['No alert.'], gotLucky: ['Quiet hour.'] },
        resolution: { resolvedAt: '2026-11-24T10:25:00.000Z', text: 'Rolled back.' },
      },
      { editor: 'U1' },
    );
    const published = await service.transition('rca-1', 'published', { editor: 'U1' });
    expect(published.rca.status).toBe('published');
    expect(published.rca.publishedAt).toBeDefined();
    expect(published.rca.minutesToRecover).toBe(25);
    await expect(service.edit('rca-1', { summary: 'x' }, { editor: 'U1' })).rejects.toThrow(/published/);
    expect(service.markdown(published)).toContain('| published (v5) | sev2 | checkout |');
  });

  it('publishing opened a pull request with the markdown in the postmortems repository', async () => {
    const [pull] = github.pulls('acme/postmortems');
    expect(pull).toMatchObject({ title: expect.stringMatching(/^RCA: /), base: 'main', labels: ['rca'] });
    const file = (await postmortems.snapshot(await postmortems.resolve(pull?.head ?? ''))).get(
      'postmortems/2026-11-24-rca-1.md',
    );
    const current = await service.get('rca-1');
    expect(file).toBe(current ? service.markdown(current) : 'missing');
    expect(await store.pullRequests.listForInvestigation('inv-1')).toMatchObject([
      { kind: 'rca', provider: 'github', repository: 'acme/postmortems', number: pull?.number },
    ]);
  });
});
