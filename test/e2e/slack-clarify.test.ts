import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHOICE_ACTION_PREFIX } from '../../bot/slack/choice-buttons.js';
import type { Scenario } from '../../evaluators/sandbox/scenario/scenario-schema.js';
import { CONVERSATION_PLACES } from '../support/conversation-places.js';
import { bundledScenario } from '../support/pipeline.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-harness.js';

/**
 * missing-image-tag with the bad release rolled out to prod-us too: checkout is equally broken
 * on argocd-eu-1 and argocd-us-1, so a question that names neither has nothing to choose by.
 */
async function brokenEverywhere(): Promise<Scenario> {
  const scenario = structuredClone(await bundledScenario('missing-image-tag'));
  const release = scenario.git.commits.at(-1);
  if (!release) throw new Error('missing-image-tag has no release commit');
  scenario.git.commits.push({
    ...release,
    message: 'checkout: release 1.8.3 to prod-us',
    files: {
      'apps/checkout/overlays/prod-us/kustomization.yaml': String(
        release.files['apps/checkout/overlays/prod-eu/kustomization.yaml'],
      ),
    },
  });
  return scenario;
}

/**
 * Issue 18, clarify with buttons, through the real Bolt app, BullMQ, the worker and the pipeline:
 * when one name is equally broken on two instances the bot asks, offering each as a button; a
 * click or a typed reply answers it, in a channel thread and at the top of the DM.
 */
describe.each(CONVERSATION_PLACES)('a clarifying question in a $name', (place) => {
  let harness: SlackHarness;

  beforeAll(async () => {
    harness = await startSlackHarness({ scenario: await brokenEverywhere() });
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('asks with a button per instance; a click investigates that one', async () => {
    const conversation = await place.start(harness, 'why is checkout failing?');
    const asked = await conversation.next('clarifying');
    expect(String(asked.message['text'])).toContain('argocd-eu-1');
    expect(String(asked.message['text'])).toContain('argocd-us-1');
    const buttons = JSON.stringify(asked.message['blocks']);
    expect(buttons).toContain(`${CHOICE_ACTION_PREFIX}0`);
    expect(buttons).toContain(`${CHOICE_ACTION_PREFIX}1`);
    if (place.name === 'DM') expect(asked.message['thread_ts']).toBeUndefined();

    const chosen = await conversation.press(asked, 1);
    const instance = /argocd-(eu|us)-1/.exec(chosen)?.[0] ?? '';
    const other = instance === 'argocd-eu-1' ? 'argocd-us-1' : 'argocd-eu-1';
    const answered = await conversation.next();
    expect(answered.answer.instances).toContain(instance);
    expect(answered.answer.instances).not.toContain(other);
    expect(answered.answer.rootCause).toContain('1.8.3');
    if (place.name === 'DM') expect(answered.message['thread_ts']).toBeUndefined();
    else expect(answered.message['thread_ts']).toBe(conversation.thread);
  });

  it('takes a typed reply to the question, without a mention', async () => {
    const conversation = await place.start(harness, 'why is checkout failing?');
    await conversation.next('clarifying');
    await conversation.reply('the us one');
    const answered = await conversation.next();
    expect(answered.answer.question).toBe('why is checkout failing on argocd-us-1');
    expect(answered.answer.instances).toContain('argocd-us-1');
    expect(answered.answer.instances).not.toContain('argocd-eu-1');
    const stored = await harness.store.conversations.get(place.channel, place.name === 'DM' ? '' : conversation.thread);
    expect(stored?.pendingClarification).toBeUndefined();
  });
});
