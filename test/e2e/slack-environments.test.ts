import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHOICE_ACTION_PREFIX } from '../../bot/slack/choice-buttons.js';
import { blockActionsPayload, FAKE_WORKSPACE } from '../fakes/slack/index.js';
import { bundledScenario } from '../support/pipeline.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-harness.js';

/** A second channel whose defaults point at the EU estate. */
const EU_CHANNEL = 'C0EUDEFAULTS';

/**
 * Issue 14, defects 4 and 5, through the real Bolt app, BullMQ on Redis, the worker and the
 * pipeline over the sandbox (catalog runs on argocd-eu-1 and argocd-us-1; checkout is broken in
 * prod-eu only): a name in two environments is investigated, not asked back, and the other
 * environment is a button; a place the question names beats the channel's defaults.
 */
describe('Slack answers about names in several environments', () => {
  let harness: SlackHarness;

  beforeAll(async () => {
    harness = await startSlackHarness({
      scenario: await bundledScenario('missing-image-tag'),
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
      const [answerBlocks] = replyBlocks(FAKE_WORKSPACE.channelId, thread);
      const buttons = (answerBlocks ?? [])
        .filter((block) => block['type'] === 'actions')
        .flatMap((block) => block['elements'] as Array<Record<string, unknown>>)
        .filter((element) => String(element['action_id']).startsWith(CHOICE_ACTION_PREFIX));
      expect(buttons).toHaveLength(first.answer.choices?.length ?? -1);
      const investigated = first.answer.instances.find((instance) => instance.startsWith('argocd-'));
      const other = investigated === 'argocd-eu-1' ? 'argocd-us-1' : 'argocd-eu-1';
      expect(String(buttons[0]?.['value'])).toContain(other);

      const answerTs = String(harness.botMessages(FAKE_WORKSPACE.channelId, thread)[0]?.['ts']);
      const press = await harness.interact(
        blockActionsPayload({
          actionId: String(buttons[0]?.['action_id']),
          value: String(buttons[0]?.['value']),
          message: { ts: answerTs, thread_ts: thread },
        }),
      );
      expect(press).toBe(200);
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
});
