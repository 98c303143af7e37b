/**
 * `/sre rca` through the real Bolt receiver and the fake Slack: with one answered question in
 * the channel it drafts that one into its thread; with several threads lacking an RCA it asks
 * which (a Draft RCA button each) and the button drafts the chosen one; a thread link names one;
 * bad input (unknown id, another channel's question, two arguments, nothing answered yet) gets
 * one plain sentence with a trace id and drafts nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRcaService } from '../../bot/rca/rca-service.js';
import { ActionId } from '../../bot/slack/answer-blocks.js';
import {
  blockActionsPayload,
  FAKE_WORKSPACE,
  sendSignedSlashCommand,
  slashCommandFields,
} from '../fakes/slack/index.js';
import { bundledScenario } from '../support/pipeline.js';
import { seedAnsweredInvestigation } from '../support/rca-fixtures.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-harness.js';

const CHANNEL = FAKE_WORKSPACE.channelId;
const REFUSAL = / \(trace [0-9a-f]{16}\)$/;

describe('/sre rca', () => {
  let harness: SlackHarness;

  beforeAll(async () => {
    harness = await startSlackHarness({
      scenario: await bundledScenario('missing-image-tag'),
      slackDeps: async ({ store, channels, logger }) => ({
        rca: { service: createRcaService({ store, teamOf: (channel) => channels.get(channel)?.team, logger }) },
      }),
    });
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  /** Sends `/sre <text>` and returns the ephemeral reply Bolt acknowledged with. */
  async function command(text: string): Promise<{ text: string; blocks?: Array<Record<string, unknown>> }> {
    const sent = await sendSignedSlashCommand(harness.eventsUrl, slashCommandFields({ text }), {
      signingSecret: harness.signingSecret,
    });
    expect(sent.status).toBe(200);
    const body = JSON.parse(sent.body) as {
      response_type: string;
      text: string;
      blocks?: Array<Record<string, unknown>>;
    };
    expect(body.response_type).toBe('ephemeral');
    return body;
  }

  async function ask(question: string): Promise<{ id: string; thread: string }> {
    const { payload, thread } = harness.mention(CHANNEL, question);
    expect(await harness.send(payload)).toBe(200);
    return { id: (await harness.settled(CHANNEL, thread)).id, thread };
  }

  /** The RCA message the bot posts in `thread`, and the RCA row behind it. */
  async function draftedIn(thread: string, investigationId: string) {
    const posted = await harness.slack.waitForCall('chat.postMessage', {
      where: (call) => call.args['thread_ts'] === thread && String(call.args['text']).startsWith('RCA'),
      timeoutMs: 20_000,
    });
    const rcas = await harness.store.rcas.listForInvestigation(investigationId);
    expect(rcas).toHaveLength(1);
    return posted;
  }

  it('refuses in one sentence with a trace id when nothing in the channel is answered yet', async () => {
    const reply = await command('rca');
    expect(reply.text).toMatch(/^There is no answered question in this channel to write an RCA for\./);
    expect(reply.text).toMatch(REFUSAL);
    expect(reply.blocks).toBeUndefined();
  });

  it('drafts the only answered question into its thread', async () => {
    const first = await ask('why is checkout failing in prod?');
    const reply = await command('rca');
    expect(reply.text).toBe('Drafting the RCA of "why is checkout failing in prod?" — it will appear in its thread.');
    await draftedIn(first.thread, first.id);
  });

  it('asks which when several threads have no RCA, and drafts the one picked', async () => {
    const second = await ask('why is checkout failing in prod-eu?');
    const third = await ask('what is wrong with checkout?');
    const reply = await command('rca');
    expect(reply.text).toBe('2 recent questions in this channel have no RCA yet; which one should I draft?');
    const buttons = (reply.blocks ?? []).flatMap((block) => {
      const accessory = block['accessory'] as { action_id?: string; value?: string } | undefined;
      return accessory ? [[accessory.action_id, accessory.value]] : [];
    });
    expect(buttons).toEqual([
      [ActionId.draftRca, third.id],
      [ActionId.draftRca, second.id],
    ]);
    expect(await harness.store.rcas.listForInvestigation(second.id)).toEqual([]);
    // The button sits on the ephemeral reply, which carries no thread; the draft goes to the question's thread.
    const pressed = await harness.interact(blockActionsPayload({ actionId: ActionId.draftRca, value: second.id }));
    expect(pressed).toBe(200);
    await draftedIn(second.thread, second.id);

    // A thread link names the other one.
    const link = `<https://${FAKE_WORKSPACE.domain}.slack.com/archives/${CHANNEL}/p${third.thread.replace('.', '')}>`;
    expect((await command(`rca ${link}`)).text).toMatch(/^Drafting the RCA of "what is wrong with checkout\?"/);
    await draftedIn(third.thread, third.id);
  });

  it('answers bad input with one plain sentence and a trace id, and drafts nothing', async () => {
    await seedAnsweredInvestigation(harness.store, { id: 'inv-elsewhere', channel: 'C0ELSEWHERE', service: 'cart' });
    const cases: Array<[string, RegExp]> = [
      ['rca inv-does-not-exist', /^I cannot find investigation inv-does-not-exist; give an id or a thread link/],
      ['rca inv-elsewhere', /^That question was asked in another channel; run `\/sre rca` there\./],
      ['rca one two', /^Give one investigation id or thread link, not several\./],
      [`rca https://${FAKE_WORKSPACE.domain}.slack.com/archives/${CHANNEL}/p1000000000000100`, /^I have no answered/],
    ];
    const posts = harness.slack.callsTo('chat.postMessage').length;
    for (const [text, sentence] of cases) {
      const reply = await command(text);
      expect(reply.text).toMatch(sentence);
      expect(reply.text).toMatch(REFUSAL);
      // One sentence: no sentence break before the trace id.
      expect(reply.text.replace(REFUSAL, '')).not.toMatch(/[.?!] [A-Z]/);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(harness.slack.callsTo('chat.postMessage').length).toBe(posts);
    expect(await harness.store.rcas.listForInvestigation('inv-elsewhere')).toEqual([]);
  });
});
