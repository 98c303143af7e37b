import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitProvider } from '../../bot/git/git-provider.js';
import { createGithubProvider } from '../../bot/git/github-provider.js';
import { createGitlabProvider } from '../../bot/git/gitlab-provider.js';
import { McpToolGateway } from '../../bot/gateway-client/mcp-tool-gateway.js';
import { createCorrectionService, type CorrectionService } from '../../bot/learning/correction-service.js';
import { gitSourceReader } from '../../bot/learning/source-reader.js';
import { createInvestigator, type Investigator } from '../../bot/runtime/investigator.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import { createSkillCatalog } from '../../bot/skills/catalog.js';
import type { SkillCatalog } from '../../bot/skills/catalog-types.js';
import type { Correction } from '../../bot/store/corrections-repository.js';
import { migrate } from '../../bot/store/migrate.js';
import { createPgliteDatabase } from '../../bot/store/pglite-database.js';
import { createStore, type Store } from '../../bot/store/store.js';
import { scenarioFromSnapshot } from '../../evaluators/learning/scenario-from-snapshot.js';
import { openScenarioEstate, type ScenarioEstate } from '../../evaluators/runner/scenario-estate.js';
import { openBareRepository } from '../../evaluators/sandbox/git-host/bare-repository.js';
import { startFakeGithub, type FakeGithub } from '../../evaluators/sandbox/git-host/fake-github.js';
import { startFakeGitlab, type FakeGitlab } from '../../evaluators/sandbox/git-host/fake-gitlab.js';
import { listMcpToolNames } from '../../mcp-servers/tool-names.js';
import { bundledScenario } from '../support/pipeline.js';
import {
  bundledScenarioFiles,
  bundledSkills,
  createSkillsRepository,
  gitIn,
  runSkillsCiIn,
} from '../support/skills-repository.js';

const SKILLS = 'platform/skills';
const SKILL = 'crashloop-missing-config';
const QUESTION = 'payments-api keeps restarting in prod-eu since this morning, what is wrong?';
/** Two people, two threads, the same mistake in their own words. */
const CORRECTIONS = [
  {
    user: 'U0ALICE',
    thread: '1764800000.000100',
    cause: 'the deployment dropped the required key PAYMENTS_DB_URL, so the container exits at start as it is missing',
  },
  {
    user: 'U0BOB',
    thread: '1764800000.000200',
    cause: 'the required key PAYMENTS_DB_URL was dropped from the deployment; the container exits at start without it',
  },
];
const threadUrl = (thread: string) => `https://shop.slack.com/archives/C0SUPPORT/p${thread.replace('.', '')}`;

/** A fake Git host of either kind over the same bare repositories, and the provider that talks to it. */
interface Host {
  provider(): GitProvider;
  /** Title and body of every pull (merge) request of the skills repository. */
  requests(): Array<{ number: number; title: string; body: string; branch: string }>;
  close(): Promise<void>;
}

async function startHost(kind: 'github' | 'gitlab', repositories: Record<string, string>): Promise<Host> {
  if (kind === 'github') {
    const github: FakeGithub = await startFakeGithub({ repositories });
    return {
      provider: () => createGithubProvider({ baseUrl: github.url, token: github.token }),
      requests: () =>
        github
          .pulls(SKILLS)
          .map((pull) => ({ number: pull.number, title: pull.title, body: pull.body, branch: pull.head })),
      close: () => github.close(),
    };
  }
  const gitlab: FakeGitlab = await startFakeGitlab({ repositories });
  return {
    provider: () => createGitlabProvider({ baseUrl: gitlab.url, token: gitlab.token }),
    requests: () =>
      gitlab.mergeRequests(SKILLS).map((mr) => ({
        number: mr.iid,
        title: mr.title,
        body: mr.description,
        branch: mr.source,
      })),
    close: () => gitlab.close(),
  };
}

/**
 * The correction loop end to end on each Git host (a GitHub pull request, a GitLab merge request):
 * the bot answers wrong, a correction is captured once (a repeat submit is the same row) and
 * confirmed, the skills pull request opens; a second, similar correction from another thread joins
 * that open request as one more commit (one entry counted twice, both scenarios, both threads in
 * the body) instead of opening a second one; `skills ci` on the branch is green; the request merges
 * on the fake host, both corrections become merged, the served skills reload, and the same question
 * is answered right, citing the merged skill version.
 */
describe.each(['github', 'gitlab'] as const)('correction loop on %s', (kind) => {
  let dir: string;
  let estate: ScenarioEstate;
  let host: Host;
  let store: Store;
  let catalog: SkillCatalog;
  let served: string;
  let gateway: McpToolGateway;
  let investigator: Investigator;
  let learning: CorrectionService;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `correction-${kind}-`));
    estate = await openScenarioEstate(await bundledScenario('crash-missing-env'));
    const repository = await createSkillsRepository(dir, {
      ...bundledSkills({ [SKILL]: 'reason:CrashLoopBackOff ^0.1\n!reason:OOMKilled' }),
      ...bundledScenarioFiles(['crash-missing-env']),
    });
    host = await startHost(kind, { 'platform/gitops': estate.sandbox.repo.path, [SKILLS]: repository.bare.path });
    served = await repository.clone('served');
    catalog = await createSkillCatalog({ roots: [join(served, 'skills')], watch: true, debounceMs: 20 });
    const db = await createPgliteDatabase();
    await migrate(db);
    store = createStore(db);
    gateway = new McpToolGateway({ url: estate.gateway.url, token: estate.gateway.token });
    investigator = createInvestigator({
      store,
      gateway,
      catalog: skillCatalogPort(catalog),
      readSources: gitSourceReader(() => host.provider()),
    });
    learning = createCorrectionService({
      store,
      skills: {
        provider: host.provider(),
        repository: SKILLS,
        base: 'main',
        skillsDir: 'skills',
        scenariosDir: 'scenarios/regressions',
        labels: ['sre-bot', 'skills'],
      },
      writeScenario: scenarioFromSnapshot,
      lintOptions: { knownTools: new Set(listMcpToolNames()) },
      threadLink: (_channel, thread) => threadUrl(thread),
      refreshSkills: async () => {
        await gitIn(served, ['pull', '-q', '--ff-only', 'origin', 'main']);
      },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await catalog?.close();
    await store?.close();
    await host?.close();
    await estate?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const ask = async (thread: string) => {
    const { id, outcome } = await investigator.run({
      source: 'slack',
      question: QUESTION,
      channel: 'C0SUPPORT',
      thread,
      user: 'U0ASKER',
    });
    if (outcome.kind !== 'answer') throw new Error('expected an answer');
    return { id, answer: outcome.answer };
  };

  const correct = async (index: number): Promise<Correction> => {
    const item = CORRECTIONS[index];
    if (!item) throw new Error(`no correction ${index}`);
    const { id, answer } = await ask(item.thread);
    expect(answer.skills).not.toContain(SKILL);
    const input = {
      investigationId: id,
      userId: item.user,
      correctRootCause: item.cause,
      skillName: SKILL,
      source: 'modal' as const,
      channel: 'C0SUPPORT',
      thread: item.thread,
      idempotencyKey: `view-${kind}-${index}`,
    };
    const first = await learning.capture(input);
    // A double submit of the same view is the same correction.
    expect(await learning.capture(input)).toMatchObject({ id: first.id, isNew: false });
    expect(await store.corrections.listForInvestigation(id)).toHaveLength(1);
    return first;
  };

  it('opens one request for two similar corrections, passes skills ci, merges, and answers right', async () => {
    const first = await correct(0);
    const preview = await learning.preview(first.id);
    expect(preview.joins).toBeUndefined();
    expect(host.requests()).toHaveLength(0);
    const opened = await learning.remember(first.id, CORRECTIONS[0]?.user ?? '');
    expect(host.requests()).toHaveLength(1);

    // The second correction of the same skill, while the request is open: shown as joining it, then added to it.
    const second = await correct(1);
    const joining = await learning.preview(second.id);
    expect(joining.joins).toMatchObject({ number: opened.pullRequest.number, branch: opened.pullRequest.branch });
    expect(joining.correctionIds).toEqual([first.id, second.id]);
    const joined = await learning.remember(second.id, CORRECTIONS[1]?.user ?? '');
    expect(joined.pullRequest.number).toBe(opened.pullRequest.number);
    expect(host.requests()).toHaveLength(1);
    // A repeat confirm of a decided correction changes nothing.
    await expect(learning.remember(second.id, CORRECTIONS[1]?.user ?? '')).rejects.toThrow(/already proposed/);

    const request = host.requests()[0];
    expect(request?.title).toBe(`skills(${SKILL}): learn from 2 corrections`);
    for (const item of CORRECTIONS) expect(request?.body).toContain(`([thread](${threadUrl(item.thread)}))`);
    expect(request?.body).toContain('2 corrections from Slack to one skill, merged into one change');
    const bare = openBareRepository(join(dir, 'skills.git'));
    const head = await bare.commitInfo(joined.pullRequest.headSha);
    expect(head.parents).toEqual([opened.pullRequest.headSha]);
    const main = (await bare.resolve('main')) ?? '';
    const changed = await bare.changedPaths(main, head.sha);
    const scenarios = changed.filter((path) => path.startsWith('scenarios/regressions/'));
    expect(scenarios).toHaveLength(2);
    expect(changed).toContain(`skills/${SKILL}/SKILL.md`);
    const skill = (await bare.readFile(head.sha, `skills/${SKILL}/SKILL.md`)) ?? '';
    // Merged, not stacked: one dated entry that counts both reports.
    const entries = skill.split('## Corrections')[1]?.match(/^- \d{4}-\d{2}-\d{2}: /gm) ?? [];
    expect(entries).toHaveLength(1);
    expect(skill).toContain('(reported 2 times)');
    for (const id of [first.id, second.id])
      expect(await store.corrections.get(id)).toMatchObject({ status: 'proposed', skillPrUrl: opened.pullRequest.url });

    // skills ci on the request's branch: green, both regression scenarios pass.
    const ci = join(dir, 'ci');
    await gitIn(dir, ['clone', '-q', bare.path, ci]);
    await gitIn(ci, ['checkout', '-q', request?.branch ?? '']);
    const report = await runSkillsCiIn(ci, 'origin/main');
    expect(report.failures).toEqual([]);
    expect(report.exitCode).toBe(0);
    expect(report.cases.filter((item) => item.isRegression).map((item) => item.head.isPassed)).toEqual([true, true]);

    // Merge on the fake host: both corrections are merged, the served skills reload.
    const reloaded = new Promise<void>((resolve) => {
      const off = catalog.on('skill-update', (update) => {
        if (update.name === SKILL) {
          off();
          resolve();
        }
      });
    });
    const provider = host.provider();
    await provider.getPullRequest(SKILLS, opened.pullRequest.number);
    const state = await provider.getPullRequest(SKILLS, opened.pullRequest.number);
    expect(state.headSha).toBe(joined.pullRequest.headSha);
    const mergeSha = await provider.mergePullRequest(SKILLS, state.number, { sha: state.headSha, title: 'merge' });
    const merged = await learning.syncMerged();
    expect(merged.flatMap((item) => item.correctionIds).sort()).toEqual([first.id, second.id].sort());
    expect(merged.map((item) => item.thread).sort()).toEqual(CORRECTIONS.map((item) => item.thread).sort());
    await reloaded;

    const right = await ask('1764800000.000300');
    expect(right.answer.skills[0]).toBe(SKILL);
    expect(right.answer.rootCause).toContain('PAYMENTS_DB_URL');
    const version = (await gitIn(served, ['log', '-1', '--format=%H', '--', `skills/${SKILL}/SKILL.md`])).trim();
    expect([state.headSha, mergeSha]).toContain(version);
    expect(right.answer.skillVersions?.[SKILL]).toBe(version);
  }, 400_000);
});
