import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRcaService } from '../../bot/rca/rca-service.js';
import { anthropicSteps, startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic/index.js';
import {
  botMessageEvent,
  channelMessageEvent,
  sendSignedSlashCommand,
  slashCommandFields,
} from '../fakes/slack/index.js';
import { CONVERSATION_PLACES, type Conversation } from '../support/conversation-places.js';
import { startTestFixLoop, type TestFixLoop } from '../support/fix-loop.js';
import type { Scenario } from '../../evaluators/sandbox/scenario/scenario-schema.js';
import { bundledScenario } from '../support/pipeline.js';
import { startSlackHarness, triageOrModel, type SlackHarness } from '../support/slack-harness.js';

const MODEL = 'claude-conversation';
const NAME_LOOK_UPS = ['list_applications', 'find_workloads'];

/**
 * missing-image-tag with a staging estate beside the two production ones: checkout also runs on
 * argocd-stg-1 / cluster staging, healthy on 1.8.2, so "what about staging?" has somewhere to go.
 */
async function withStaging(): Promise<Scenario> {
  const scenario = structuredClone(await bundledScenario('missing-image-tag'));
  const production = scenario.argocd
    .find((instance) => instance.name === 'argocd-us-1')
    ?.apps.find((app) => app.name === 'checkout');
  const base = scenario.git.commits[0];
  if (!production || !base) throw new Error('missing-image-tag changed shape: no prod-us app or base commit');
  scenario.clusters.push({ name: 'staging', namespaces: [], objects: [], policies: [] });
  scenario.argocd.push({
    name: 'argocd-stg-1',
    apps: [
      {
        ...structuredClone(production),
        path: 'apps/checkout/overlays/staging',
        destination: { cluster: 'staging', namespace: 'shop' },
      },
    ],
  });
  base.files['apps/checkout/overlays/staging/kustomization.yaml'] = String(
    base.files['apps/checkout/overlays/prod-us/kustomization.yaml'],
  );
  return scenario;
}

/**
 * Issue 18, conversations, through the real Bolt app, BullMQ on Redis, the worker, the pipeline
 * over the sandbox (checkout is broken on argocd-eu-1 / prod-eu with image tag 1.8.3, healthy on
 * argocd-us-1 / prod-us), the fix loop over a fake GitHub and the RCA service: every follow-up is
 * typed without a mention, in a support channel thread and in the app's DM (answered at the top).
 */
describe.each(CONVERSATION_PLACES)('a conversation in a $name', (place) => {
  let harness: SlackHarness;
  let anthropic: FakeAnthropic;
  let fixLoop: TestFixLoop | undefined;
  let useModel = false;

  beforeAll(async () => {
    anthropic = await startFakeAnthropic();
    harness = await startSlackHarness({
      scenario: await withStaging(),
      investigator: triageOrModel({ baseURL: anthropic.url, model: MODEL }, () => useModel),
      slackDeps: async (parts) => {
        fixLoop = await startTestFixLoop(parts);
        const rca = createRcaService({ store: parts.store, teamOf: () => 'shop', logger: parts.logger });
        return { fixQueue: fixLoop.queue, rca: { service: rca } };
      },
    });
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
    await fixLoop?.close();
    await anthropic?.close();
  });

  const toolsOf = async (id: string) =>
    (await harness.store.toolCalls.listForInvestigation(id)).map((call) => call.tool);

  /** In a DM the answer sits at the top level; in a channel, in the conversation's thread. */
  function expectPlaced(message: Record<string, unknown>, conversation: Conversation): void {
    if (place.name === 'DM') expect(message['thread_ts']).toBeUndefined();
    else expect(message['thread_ts']).toBe(conversation.thread);
  }

  it(
    'keeps the subject across follow-ups: previous logs, events, history and "is it fixed now?" re-check the same ' +
      'app with fresh evidence and no name look-ups; "and in prod-us?" asks about the same app elsewhere',
    async () => {
      const conversation = await place.start(harness, 'why is checkout failing in prod? the new release never came up');
      const first = await conversation.next();
      expect(first.answer.rootCause).toContain('1.8.3');
      expect(first.answer.instances).toContain('argocd-eu-1');
      expectPlaced(first.message, conversation);
      expect(await toolsOf(first.id)).toEqual(expect.arrayContaining(NAME_LOOK_UPS));

      for (const text of ["show me the previous pod's logs", 'events', 'history', 'is it fixed now?']) {
        await conversation.reply(text);
        const turn = await conversation.next();
        expect(turn.answer.question).toBe(`checkout: ${text}`);
        expect(turn.answer.instances).toContain('argocd-eu-1');
        expect(turn.answer.rootCause).toContain('1.8.3');
        expectPlaced(turn.message, conversation);
        expect(turn.answer.notes[0]).toBe(
          'Re-checked with fresh evidence: the root cause is the same as in the previous answer.',
        );
        if (text === 'events') expect(turn.answer.evidence[0]?.kind).toBe('event');
        const tools = await toolsOf(turn.id);
        // Fresh evidence for the same subject, without resolving the name again on every instance.
        expect(tools).toContain('describe_workload');
        expect(tools.filter((tool) => NAME_LOOK_UPS.includes(tool))).toEqual([]);
      }

      await conversation.reply('and in prod-us?');
      const elsewhere = await conversation.next();
      expect(elsewhere.answer.question).toBe('checkout: and in prod-us?');
      expect(elsewhere.answer.instances).toContain('argocd-us-1');
      expect(elsewhere.answer.instances).not.toContain('argocd-eu-1');
      expect(elsewhere.answer.rootCause).not.toContain('1.8.3');
      expectPlaced(elsewhere.message, conversation);
    },
  );

  it('answers "what about staging?" about the same app in staging, without a mention', async () => {
    const conversation = await place.start(harness, 'why is checkout failing in prod? the new release never came up');
    const first = await conversation.next();
    expect(first.answer.instances).toContain('argocd-eu-1');
    expect(first.answer.instances).not.toContain('argocd-stg-1');

    await conversation.reply('what about staging?');
    const staging = await conversation.next();
    expect(staging.answer.question).toBe('checkout: what about staging?');
    expect(staging.answer.instances).toEqual(['argocd-stg-1', 'staging']);
    expect(staging.answer.rootCause).not.toContain('1.8.3');
    expectPlaced(staging.message, conversation);
    const stored = await harness.store.conversations.get(place.channel, place.name === 'DM' ? '' : conversation.thread);
    expect(stored?.turns.at(-1)?.question).toBe('checkout: what about staging?');
  });

  it('starts the fix flow from "propose a fix" and the RCA flow from "draft the RCA" on the last answer', async () => {
    const conversation = await place.start(harness, 'why is checkout failing in prod-eu?');
    const answered = await conversation.next();
    expect(answered.answer.rootCause).toContain('1.8.3');

    await conversation.reply('propose a fix');
    const proposal = await harness.slack.waitForCall('chat.postMessage', {
      where: (call) =>
        call.args['channel'] === place.channel && String(JSON.stringify(call.args['blocks'])).includes('fix_approve'),
      timeoutMs: 30_000,
    });
    expect(JSON.stringify(proposal.args['blocks'])).toContain('apps/checkout/overlays/prod-eu/kustomization.yaml');
    expect(fixLoop?.pulls()).toHaveLength(1);

    await conversation.reply('draft the RCA');
    const rcaMessage = await harness.slack.waitForCall('chat.postMessage', {
      where: (call) => call.args['channel'] === place.channel && String(call.args['text']).startsWith('RCA'),
      timeoutMs: 20_000,
    });
    const [rca] = await harness.store.rcas.listForInvestigation(answered.id);
    expect(rca?.bodyMarkdown).toContain('1.8.3');
    // In a channel the draft lands in the thread; in a DM under the question it is about.
    expect(rcaMessage.args['thread_ts']).toBe(conversation.thread);
  });

  it('never follows up on its own messages or other bots, nor on chatter addressed to someone else', async () => {
    const conversation = await place.start(harness, 'why is checkout failing in prod?');
    await conversation.next();
    const rowsIn = async () =>
      (await harness.store.investigations.listRecent({ channels: [place.channel], limit: 200 })).length;
    const before = await rowsIn();
    const where = { channel: place.channel, ...(place.name === 'channel' ? { threadTs: conversation.thread } : {}) };
    expect(await harness.send(botMessageEvent({ ...where, text: 'events?' }))).toBe(200);
    expect(await harness.send(botMessageEvent({ ...where, style: 'bot_message', text: 'is it fixed now?' }))).toBe(200);
    if (place.name === 'channel') {
      await conversation.reply('thanks, that was it — I will ping the release manager about the missing tag');
      await conversation.reply('<@U0SOMEONE1> what about staging?');
      await conversation.reply('ok cool');
    }
    // The next real follow-up is the only investigation the conversation gained.
    await conversation.reply('history');
    const turn = await conversation.next();
    expect(turn.answer.question).toBe('checkout: history');
    expect(await rowsIn()).toBe(before + 1);
    const stored = await harness.store.conversations.get(place.channel, place.name === 'DM' ? '' : conversation.thread);
    expect(stored?.turns.map((entry) => entry.question).slice(-2)).toEqual([
      'why is checkout failing in prod?',
      'checkout: history',
    ]);
  });

  it.runIf(place.name === 'channel')('continues a thread the bot started for /sre', async () => {
    const question = `why is checkout failing in prod? (${Date.now()})`;
    const fields = slashCommandFields({ text: question });
    const sent = await sendSignedSlashCommand(harness.eventsUrl, fields, { signingSecret: harness.signingSecret });
    expect(sent.status).toBe(200);
    let thread: string | undefined;
    for (let tries = 0; tries < 600 && !thread; tries += 1) {
      const rows = await harness.store.investigations.listRecent({ channels: [place.channel], limit: 20 });
      const row = rows.find((candidate) => candidate.question === question && candidate.status === 'answered');
      thread = row?.thread;
      if (!thread) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!thread) throw new Error('the /sre question was not answered');
    const first = await harness.settled(place.channel, thread);
    expect(await harness.send(channelMessageEvent({ text: 'events', threadTs: thread }))).toBe(200);
    const followUp = await harness.settled(place.channel, thread, { after: first.id });
    expect(followUp.answer.question).toBe('checkout: events');
  });

  it('gives the model the conversation: earlier turns arrive as prior messages', async () => {
    const conversation = await place.start(harness, 'why is checkout failing in prod?');
    const first = await conversation.next();
    useModel = true;
    anthropic.setScript([
      anthropicSteps.toolUse('submit_answer', {
        summary: 'checkout on prod-eu still cannot pull 1.8.3.',
        rootCause: 'apps/checkout/overlays/prod-eu sets newTag 1.8.3, which was never pushed.',
        evidence: [{ text: 'registry.example.com/shop/checkout:1.8.3: not found', source: 'describe_workload' }],
        confidence: 'high',
        nextSteps: ['Roll newTag back to 1.8.2.'],
      }),
    ]);
    try {
      await conversation.reply('is it fixed now?');
      const turn = await conversation.next();
      expect(turn.answer.mode).toBe('model');
      const body = anthropic.messageRequests().at(-1)?.body as { messages: Array<{ role: string; content: unknown }> };
      // [...earlier turns as user / assistant pairs, the follow-up with the fresh evidence]
      const [asked, answered, followUp] = body.messages.slice(-3);
      expect([asked?.role, answered?.role, followUp?.role]).toEqual(['user', 'assistant', 'user']);
      expect(JSON.stringify(asked?.content)).toContain('why is checkout failing in prod?');
      expect(JSON.stringify(answered?.content)).toContain(
        JSON.stringify(first.answer.rootCause.slice(0, 40)).slice(1, -1),
      );
      expect(JSON.stringify(followUp?.content)).toContain('Follow-up in the same thread');
    } finally {
      useModel = false;
    }
  });
});
