import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../bot/agent/answer.js';
import { createGithubProvider } from '../../bot/git/github-provider.js';
import { McpToolGateway } from '../../bot/gateway-client/mcp-tool-gateway.js';
import { createCorrectionService, type CorrectionService } from '../../bot/learning/correction-service.js';
import { gitSourceReader } from '../../bot/learning/source-reader.js';
import { createMemoryQueue } from '../../bot/queue/memory-queue.js';
import { createInvestigator, type Investigator } from '../../bot/runtime/investigator.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import { createSkillCatalog } from '../../bot/skills/catalog.js';
import type { SkillCatalog } from '../../bot/skills/catalog-types.js';
import { createChannelDirectory } from '../../bot/slack/channel-config.js';
import { loadSlackConfig } from '../../bot/slack/config.js';
import { CorrectionActionId } from '../../bot/slack/correction-flow.js';
import { CORRECTION_CALLBACK_ID, CorrectionField } from '../../bot/slack/correction-modal.js';
import type { SlackInvestigationJob } from '../../bot/slack/investigation-job.js';
import { createSlackApp, type SlackService } from '../../bot/slack/slack-app.js';
import { migrate } from '../../bot/store/migrate.js';
import { createPgliteDatabase } from '../../bot/store/pglite-database.js';
import { createStore, type Store } from '../../bot/store/store.js';
import { createLogger } from '../../bot/telemetry/logger.js';
import { scenarioFromSnapshot } from '../../evaluators/learning/scenario-from-snapshot.js';
import { openScenarioEstate, type ScenarioEstate } from '../../evaluators/runner/scenario-estate.js';
import { listMcpToolNames } from '../../mcp-servers/tool-names.js';
import { startFakeGithub, type FakeGithub } from '../../evaluators/sandbox/git-host/fake-github.js';
import {
  blockActionsPayload,
  channelMessageEvent,
  FAKE_WORKSPACE,
  nextEventTs,
  plainTextValue,
  sendSignedEvent,
  sendSignedInteraction,
  startFakeSlack,
  staticSelectValue,
  viewSubmissionPayload,
  type FakeSlack,
} from '../fakes/slack/index.js';
import { bundledScenario } from '../support/pipeline.js';
import {
  bundledScenarioFiles,
  bundledSkills,
  createSkillsRepository,
  gitIn,
  runSkillsCiIn,
} from '../support/skills-repository.js';

const SECRET = 'correction-e2e-signing-secret';
const signed = { signingSecret: SECRET };
const CHANNEL = FAKE_WORKSPACE.channelId;
const USER = FAKE_WORKSPACE.humanUserId;
const SKILLS = 'platform/skills';
const SKILL = 'crashloop-missing-config';
const QUESTION = 'payments-api keeps restarting in prod-eu since this morning, what is wrong?';
const lint = { knownTools: new Set(listMcpToolNames()) };
const logger = createLogger({ level: process.env.CORRECTION_E2E_LOG ?? 'silent' });

/**
 * The loop end to end: the bot answers wrong (its crashloop skill lost its log signals), the
 * person corrects it in the modal (submitted twice: one correction), confirms with Remember, a
 * pull request with the skill diff and the regression scenario opens on the fake GitHub over a
 * real skills repository, `skills ci` on that branch is green, the PR merges, the served skills
 * hot-reload, and the same question is answered right, citing the new skill version. A thread
 * reply correction that is discarded opens no pull request.
 */
describe('correction loop end to end', () => {
  let dir: string;
  let estate: ScenarioEstate;
  let github: FakeGithub;
  let slack: FakeSlack;
  let store: Store;
  let catalog: SkillCatalog;
  let served: string;
  let gateway: McpToolGateway;
  let investigator: Investigator;
  let learning: CorrectionService;
  let service: SlackService;
  let url: string;
  const queue = createMemoryQueue<SlackInvestigationJob>('investigation');
  const provider = () => createGithubProvider({ baseUrl: github.url, token: github.token });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'correction-e2e-'));
    estate = await openScenarioEstate(await bundledScenario('crash-missing-env'));
    const repository = await createSkillsRepository(dir, {
      ...bundledSkills({ [SKILL]: 'reason:CrashLoopBackOff ^0.1\n!reason:OOMKilled' }),
      ...bundledScenarioFiles(['crash-missing-env']),
    });
    github = await startFakeGithub({
      repositories: { 'platform/gitops': estate.sandbox.repo.path, [SKILLS]: repository.bare.path },
    });
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
      readSources: gitSourceReader(() => provider()),
    });
    learning = createCorrectionService({
      store,
      skills: {
        provider: provider(),
        repository: SKILLS,
        base: 'main',
        skillsDir: 'skills',
        scenariosDir: 'scenarios/regressions',
        labels: ['sre-bot', 'skills'],
      },
      writeScenario: scenarioFromSnapshot,
      lintOptions: lint,
      threadLink: (channel, thread) => `https://shop.slack.com/archives/${channel}/p${thread.replace('.', '')}`,
      refreshSkills: async () => {
        await gitIn(served, ['pull', '-q', '--ff-only', 'origin', 'main']);
      },
      logger,
    });
    slack = await startFakeSlack();
    service = createSlackApp(
      loadSlackConfig({ SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl }),
      {
        queue,
        store,
        channels: createChannelDirectory([]),
        skillNames: () => catalog.list().map((skill) => skill.name),
        logger,
        learning,
      },
    );
    url = (await service.start({ port: 0, host: '127.0.0.1' })).eventsUrl ?? '';
  });
  afterAll(async () => {
    await service?.stop();
    await queue.close();
    await gateway?.close();
    await catalog?.close();
    await store?.close();
    await slack?.close();
    await github?.close();
    await estate?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const ask = async (thread: string) => {
    const { id, outcome } = await investigator.run({
      source: 'slack',
      question: QUESTION,
      channel: CHANNEL,
      thread,
      user: USER,
    });
    if (outcome.kind !== 'answer') throw new Error('expected an answer');
    return { id, answer: outcome.answer };
  };

  it(
    'turns a wrong answer into a reviewed skill change and ' + 'a regression scenario, and answers right after merge',
    async () => {
      const thread = nextEventTs();
      const wrong = await ask(thread);
      expect(wrong.answer.skills).not.toContain(SKILL);
      expect(wrong.answer.rootCause).not.toContain('PAYMENTS_DB_URL');

      // Correct this: the same view submitted twice is one correction and one proposal.
      const values = {
        [CorrectionField.rootCause.block]: {
          [CorrectionField.rootCause.action]: plainTextValue(
            'the deployment dropped the required key PAYMENTS_DB_URL, so the container exits at start because it ' +
              'is missing',
          ),
        },
        [CorrectionField.skill.block]: { [CorrectionField.skill.action]: staticSelectValue(SKILL) },
      };
      const view = {
        id: 'V0CORRECT01',
        private_metadata: JSON.stringify({ investigationId: wrong.id, channel: CHANNEL, thread }),
      };
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const submit = await sendSignedInteraction(
          url,
          viewSubmissionPayload({ callbackId: CORRECTION_CALLBACK_ID, view, values }),
          signed,
        );
        expect(submit.status).toBe(200);
      }
      const corrections = await store.corrections.listForInvestigation(wrong.id);
      expect(corrections).toHaveLength(1);
      const correction = corrections[0];
      expect(correction).toMatchObject({ status: 'open', skillName: SKILL, source: 'modal' });

      // Confirm: the author sees the proposed change with Remember / Discard.
      const offer = await slack.waitForCall('chat.postEphemeral', {
        where: (call) => JSON.stringify(call.args['blocks'] ?? '').includes(CorrectionActionId.remember),
      });
      const shown = JSON.stringify(offer.args['blocks']);
      expect(shown).toContain('PAYMENTS_DB_URL');
      expect(shown).toContain('scenarios/regressions/regression-crashloop-missing-config');
      expect(github.pulls(SKILLS)).toHaveLength(0);
      const remember = await click(CorrectionActionId.remember, correction?.id ?? '', thread);
      expect(remember.status).toBe(200);
      await slack.waitForCall('chat.postMessage', {
        where: (call) => String(call.args['text']).includes('skills pull request'),
      });

      // One PR: the skill diff and the scenario, reviewers from metadata.owner, the thread and before/after in the
      // body.
      const pulls = github.pulls(SKILLS);
      expect(pulls).toHaveLength(1);
      const pull = pulls[0];
      expect(pull?.reviewers).toEqual(['platform-sre']);
      expect(pull?.body).toContain(`https://shop.slack.com/archives/${CHANNEL}/p${thread.replace('.', '')}`);
      expect(pull?.body).toMatch(/before \(sre-bot said\) \| .+ \| kubernetes-triage/);
      expect(pull?.body).toContain('| after (corrected) | the deployment dropped the required key PAYMENTS_DB_URL');
      const branchFiles = (await gitIn(repositoryPath(), ['diff', '--name-only', `main...${pull?.head ?? ''}`]))
        .trim()
        .split('\n');
      expect(branchFiles).toEqual(
        expect.arrayContaining([
          `skills/${SKILL}/SKILL.md`,
          expect.stringMatching(/^scenarios\/regressions\/regression-crashloop-missing-config-.+\.yaml$/),
        ]),
      );
      const skillAfter = await provider().readFile(SKILLS, `skills/${SKILL}/SKILL.md`, pull?.head ?? '');
      expect(skillAfter).toMatch(
        /## Corrections\n\n- \d{4}-\d{2}-\d{2}: sre-bot said ".+"; it was: the deployment dropped/,
      );
      expect(skillAfter).toMatch(/log~".*PAYMENTS_DB_URL.*" \^2/);
      expect((await store.corrections.get(correction?.id ?? ''))?.status).toBe('proposed');

      // skills ci on the PR branch: green, the regression scenario and the bundled one better than on main.
      const ci = await repositoryClone('ci', pull?.head ?? '');
      const report = await runSkillsCiIn(ci, 'origin/main');
      expect(report.failures).toEqual([]);
      expect(report.exitCode).toBe(0);
      expect(report.cases.map((item) => [item.isRegression, item.head.isPassed, item.change])).toEqual(
        expect.arrayContaining([
          [true, true, 'better'],
          [false, true, 'better'],
        ]),
      );

      // Merge on the fake host; the merge check marks it merged and the served skills hot-reload.
      const reloaded = new Promise<void>((resolve) => {
        const off = catalog.on('skill-update', (update) => {
          if (update.name === SKILL) {
            off();
            resolve();
          }
        });
      });
      const state = await provider().getPullRequest(SKILLS, pull?.number ?? 0);
      await provider().getPullRequest(SKILLS, pull?.number ?? 0);
      await provider().mergePullRequest(SKILLS, pull?.number ?? 0, { sha: state.headSha, title: pull?.title ?? '' });
      const merged = await learning.syncMerged();
      expect(merged).toMatchObject([{ skill: SKILL, correctionIds: [correction?.id] }]);
      await reloaded;
      expect((await store.corrections.get(correction?.id ?? ''))?.status).toBe('merged');

      // The same question, answered right, citing the skill version that carries the correction.
      const right = await ask(nextEventTs());
      expect(right.answer.skills[0]).toBe(SKILL);
      expect(right.answer.rootCause).toContain('PAYMENTS_DB_URL');
      const version = (await gitIn(served, ['log', '-1', '--format=%H', '--', `skills/${SKILL}/SKILL.md`])).trim();
      expect([state.headSha, merged[0]?.mergeSha]).toContain(version);
      expect((right.answer as Answer).skillVersions?.[SKILL]).toBe(version);
    },
    400_000,
  );

  it('captures a thread reply correction once, and a discarded proposal opens no pull request', async () => {
    const thread = nextEventTs();
    const { id } = await ask(thread);
    const before = github.pulls(SKILLS).length;
    const reply = channelMessageEvent({ text: "that's wrong, it was the ResourceQuota of payments", threadTs: thread });
    for (let attempt = 0; attempt < 2; attempt += 1)
      expect((await sendSignedEvent(url, reply, signed)).status).toBe(200);
    const corrections = await waitFor(async () => {
      const list = await store.corrections.listForInvestigation(id);
      return list.length > 0 ? list : undefined;
    });
    expect(corrections).toMatchObject([
      { source: 'thread', correctRootCause: 'the ResourceQuota of payments', status: 'open' },
    ]);
    await slack.waitForCall('chat.postEphemeral', {
      where: (call) => JSON.stringify(call.args['blocks'] ?? '').includes(corrections[0]?.id ?? '-'),
    });
    const discard = await click(CorrectionActionId.discard, corrections[0]?.id ?? '', thread);
    expect(discard.status).toBe(200);
    await waitFor(async () =>
      (await store.corrections.get(corrections[0]?.id ?? ''))?.status === 'discarded' ? true : undefined,
    );
    // Remember after Discard changes nothing: still no new pull request.
    await click(CorrectionActionId.remember, corrections[0]?.id ?? '', thread);
    expect(github.pulls(SKILLS)).toHaveLength(before);
    expect(await store.corrections.listForInvestigation(id)).toHaveLength(1);
  }, 200_000);

  function click(actionId: string, value: string, thread: string) {
    const payload = blockActionsPayload({ actionId, value, message: { ts: nextEventTs(), thread_ts: thread } });
    return sendSignedInteraction(url, payload, signed);
  }

  function repositoryPath(): string {
    return join(dir, 'skills.git');
  }

  async function repositoryClone(name: string, branch: string): Promise<string> {
    const target = join(dir, name);
    await gitIn(dir, ['clone', '-q', repositoryPath(), target]);
    await gitIn(target, ['checkout', '-q', branch]);
    return target;
  }
});

async function waitFor<T>(probe: () => Promise<T | undefined>, attempts = 100): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not reached');
}
