import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHOICE_ACTION_PREFIX } from '../../bot/slack/choice-buttons.js';
import { blockActionsPayload, FAKE_WORKSPACE } from '../fakes/slack/index.js';
import { bundledScenario, combineScenarios } from '../support/pipeline.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-harness.js';

/** A second channel whose defaults point at the EU estate. */
const EU_CHANNEL = 'C0EUDEFAULTS';

/**
 * Issue 14, defects 4 and 5, through the real Bolt app, BullMQ on Redis, the worker and the
 * pipeline over the sandbox (catalog runs on argocd-eu-1 and argocd-us-1; checkout and orders are
 * broken in prod-eu only): a name in two environments is investigated, not asked back, and the
 * other environment is a button; a place the question names beats the channel's defaults; with
 * several failures at once the worst is investigated and each other one is a button that works.
 */
describe('Slack answers about names in several environments', () => {
  let harness: SlackHarness;

  beforeAll(async () => {
    harness = await startSlackHarness({
      // Two faults at once: checkout's missing image tag and orders' failing init container, both in prod-eu.
      scenario: combineScenarios(
        await bundledScenario('missing-image-tag'),
        await bundledScenario('init-container-missing-file'),
      ),
      extraChannels: [{ id: EU_CHANNEL, name: 'shop-eu' }],
      channels: [
        { id: FAKE_WORKSPACE.channelId, team: 'shop', respond: 'mentions', defaults: {} },
        {
          id: EU_CHANNEL,
          team: 'shop',
          respond: 'mentions',
          defaults: { argocdInstance: 'argocd-eu-1', cluster: 'prod-eu' },
        },
      ],
    });
  });

  afterAll(async () => {
    await harness?.close();
  });

  /** The newest answer in a thread, once its message is posted (optionally a different one than `after`). */
  const answered = (channel: string, thread: string, after?: string) =>
    harness.settled(channel, thread, after ? { after } : {});

  async function ask(channel: string, question: string): Promise<string> {
    const { payload, thread } = harness.mention(channel, question);
    expect(await harness.send(payload)).toBe(200);
    return thread;
  }

  const replyBlocks = (channel: string, thread: string) =>
    harness.botMessages(channel, thread).map((message) => (message['blocks'] ?? []) as Array<Record<string, unknown>>);

  /** The choice buttons of the bot's first reply in a thread. */
  function choiceButtons(channel: string, thread: string): Array<Record<string, unknown>> {
    const [answerBlocks] = replyBlocks(channel, thread);
    return (answerBlocks ?? [])
      .filter((block) => block['type'] === 'actions')
      .flatMap((block) => block['elements'] as Array<Record<string, unknown>>)
      .filter((element) => String(element['action_id']).startsWith(CHOICE_ACTION_PREFIX));
  }

  /** Presses a button on the bot's first reply in a thread, as a person would. */
  async function press(channel: string, thread: string, button: Record<string, unknown> | undefined): Promise<void> {
    const answerTs = String(harness.botMessages(channel, thread)[0]?.['ts']);
    const pressed = await harness.interact(
      blockActionsPayload({
        actionId: String(button?.['action_id']),
        value: String(button?.['value']),
        message: { ts: answerTs, thread_ts: thread },
      }),
    );
    expect(pressed).toBe(200);
  }

  it(
    'investigates a name that exists in two environments instead of asking, and offers the other as a button that ' +
      'investigates it',
    async () => {
      const thread = await ask(FAKE_WORKSPACE.channelId, 'is catalog healthy?');
      const first = await answered(FAKE_WORKSPACE.channelId, thread);
      const row = await harness.store.investigations.get(first.id);
      expect(row?.status).toBe('answered');
      expect(first.answer.usage.toolCalls).toBeGreaterThan(0);
      expect(first.answer.choices?.map((choice) => choice.label).join(' ')).toMatch(/argocd-(eu|us)-1\/catalog/);
      const buttons = choiceButtons(FAKE_WORKSPACE.channelId, thread);
      expect(buttons).toHaveLength(first.answer.choices?.length ?? -1);
      const investigated = first.answer.instances.find((instance) => instance.startsWith('argocd-'));
      const other = investigated === 'argocd-eu-1' ? 'argocd-us-1' : 'argocd-eu-1';
      expect(String(buttons[0]?.['value'])).toContain(other);

      await press(FAKE_WORKSPACE.channelId, thread, buttons[0]);
      const second = await answered(FAKE_WORKSPACE.channelId, thread, first.id);
      expect(second.answer.question).toContain(other);
      expect(second.answer.instances).toContain(other);
      expect(second.answer.instances).not.toContain(investigated);
    },
  );

  it(
    'answers for the place the question names, not the channel default, and names only where its evidence came ' +
      'from',
    async () => {
      const thread = await ask(EU_CHANNEL, 'is catalog healthy on argocd-us-1?');
      const { answer } = await answered(EU_CHANNEL, thread);
      expect(answer.instances).toContain('argocd-us-1');
      expect(answer.instances.some((instance) => instance.includes('eu'))).toBe(false);
      const said = `${answer.rootCause} ${answer.summary}`;
      expect(said).not.toMatch(/checkout/i);
      expect(answer.evidence.every((item) => !item.source.includes('eu'))).toBe(true);
      expect(answer.confidence).not.toBe('high');
    },
  );

  it('with several failures at once investigates the worst and lists each other one as a working button', async () => {
    const thread = await ask(FAKE_WORKSPACE.channelId, 'what is broken in prod?');
    const first = await answered(FAKE_WORKSPACE.channelId, thread);
    const facts = { checkout: /1\.8\.3/, orders: /init container migrate .*no such file or directory/ };
    const investigated = (Object.keys(facts) as Array<keyof typeof facts>).find((app) =>
      facts[app].test(first.answer.rootCause ?? ''),
    );
    expect(investigated).toBeDefined();
    const other = investigated === 'checkout' ? 'orders' : 'checkout';
    // Every other failure is listed once, as a button.
    const buttons = choiceButtons(FAKE_WORKSPACE.channelId, thread);
    expect(buttons).toHaveLength(first.answer.choices?.length ?? -1);
    const button = buttons.find((candidate) => String(candidate['value']).includes(`${other} on argocd-eu-1`));
    expect(button).toBeDefined();
    await press(FAKE_WORKSPACE.channelId, thread, button);
    const second = await answered(FAKE_WORKSPACE.channelId, thread, first.id);
    expect(second.answer.question).toContain(other);
    expect(second.answer.rootCause).toMatch(facts[other]);
  });
});
