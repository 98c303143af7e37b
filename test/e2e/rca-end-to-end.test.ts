import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRcaService } from '../../bot/rca/rca-service.js';
import { ActionId } from '../../bot/slack/answer-blocks.js';
import { RcaActionId } from '../../bot/slack/rca-blocks.js';
import { RCA_EDIT_CALLBACK_ID, RcaField } from '../../bot/slack/rca-modal.js';
import { createRcaWebServer, type RcaWebServer } from '../../bot/web/web-server.js';
import { startFakeOidc, type FakeOidc } from '../fakes/oidc/fake-oidc.js';
import {
  blockActionsPayload,
  FAKE_WORKSPACE,
  plainTextValue,
  viewSubmissionPayload,
  type RecordedSlackCall,
} from '../fakes/slack/index.js';
import { bundledScenario } from '../support/pipeline.js';
import { createCookieClient, fakeOidcSignIn } from '../support/rca-fixtures.js';
import { startSlackHarness, type SlackHarness } from '../support/slack-harness.js';

const CHANNEL = FAKE_WORKSPACE.channelId;

/**
 * The RCA path end to end: a question through the real Bolt receiver, BullMQ and the pipeline
 * over the sandbox; "Draft RCA" on the answer; the draft in the thread with its page link;
 * edited from the Slack modal and on the page; sent for review and published; exported.
 */
describe('question → answer → Draft RCA → edit → publish → markdown', () => {
  let harness: SlackHarness;
  let oidc: FakeOidc;
  let web: RcaWebServer;
  let webUrl: string;

  beforeAll(async () => {
    oidc = await startFakeOidc([{ sub: 'U0ONCALL01', name: 'On-call', groups: ['shop'] }]);
    harness = await startSlackHarness({
      scenario: await bundledScenario('missing-image-tag'),
      slackDeps: async ({ store, channels, logger }) => {
        const rcas = createRcaService({ store, teamOf: (channel) => channels.get(channel)?.team, logger });
        // The page listens first so its URL is known to the Slack app's links and to the OIDC redirect.
        const placeholder = createRcaWebServer({
          service: rcas,
          store,
          logger,
          baseUrl: 'http://127.0.0.1',
          sessionSecret: 's'.repeat(32),
          channelsOfTeams: () => [],
        });
        webUrl = await placeholder.listen(0, '127.0.0.1');
        await placeholder.close();
        web = createRcaWebServer({
          service: rcas,
          store,
          logger,
          baseUrl: webUrl,
          sessionSecret: 's'.repeat(32),
          signIn: fakeOidcSignIn(oidc),
          channelsOfTeams: () => [CHANNEL],
        });
        await web.listen(Number(new URL(webUrl).port), '127.0.0.1');
        return { rca: { service: rcas, pageUrl: (id) => `${webUrl}/rcas/${id}` } };
      },
    });
  });

  afterAll(async () => {
    await harness?.close();
    await web?.close();
    await oidc?.close();
  });

  const answerOf = (thread: string) => harness.settled(CHANNEL, thread);

  const rcaMessage = (thread: string, where: (call: RecordedSlackCall) => boolean) =>
    harness.slack.waitForCall('chat.postMessage', {
      where: (call) => call.args['thread_ts'] === thread && where(call),
      timeoutMs: 20_000,
    });

  it('drafts, edits, reviews, publishes and exports the RCA of a real answer', async () => {
    const { payload, thread } = harness.mention(CHANNEL, 'why is checkout failing in prod?');
    expect(await harness.send(payload)).toBe(200);
    const { id, answerTs } = await answerOf(thread);
    const answer = harness.slack.messages(CHANNEL, thread).find((message) => message.ts === answerTs);
    expect(JSON.stringify(answer?.['blocks'])).toContain(ActionId.draftRca);

    // Draft RCA on the answer: the draft appears in the thread with a link to its page.
    const onAnswer = { ts: answerTs, thread_ts: thread };
    const press = await harness.interact(
      blockActionsPayload({ actionId: ActionId.draftRca, value: id, message: onAnswer }),
    );
    expect(press).toBe(200);
    const posted = await rcaMessage(thread, (call) => String(call.args['text']).startsWith('RCA'));
    // The message ts is recorded right after Slack answers the post.
    let [rca] = await harness.store.rcas.listForInvestigation(id);
    for (let tries = 0; tries < 100 && !rca?.slackTs; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      [rca] = await harness.store.rcas.listForInvestigation(id);
    }
    expect(rca?.team).toBe('shop');
    expect(rca?.slackTs).toBe(posted.response['ts']);
    const blocks = JSON.stringify(posted.args['blocks']);
    expect(blocks).toContain(`${webUrl}/rcas/${rca?.id ?? ''}`);
    expect(blocks).toContain('Review hints');
    expect(rca?.bodyMarkdown).toContain('1.8.3');

    // Edit summary and action items from the Slack modal.
    const onRca = { ts: String(posted.response['ts']), thread_ts: thread };
    await harness.interact(blockActionsPayload({ actionId: RcaActionId.edit, value: rca?.id ?? '', message: onRca }));
    const opened = await harness.slack.waitForCall('views.open', {
      where: (call) => JSON.stringify(call.args['view']).includes(RCA_EDIT_CALLBACK_ID),
    });
    const view = opened.response['view'] as Record<string, unknown>;
    const values = {
      [RcaField.summary.block]: {
        [RcaField.summary.action]: plainTextValue(
          'Checkout could not start its new release for 20 minutes; orders kept working on the old pods.',
        ),
      },
      [RcaField.actions.block]: {
        [RcaField.actions.action]: plainTextValue(
          'Check image tags exist before merge | platform team | 2026-12-31 | https://tickets.example.com/PLAT-1',
        ),
      },
    };
    const submitted = await harness.interact(viewSubmissionPayload({ callbackId: RCA_EDIT_CALLBACK_ID, view, values }));
    expect(submitted).toBe(200);
    const updated = await harness.slack.waitForCall('chat.update', {
      where: (call) =>
        call.args['ts'] === onRca.ts && JSON.stringify(call.args['blocks']).includes('orders kept working'),
    });
    expect(updated.args['channel']).toBe(CHANNEL);
    expect((await harness.store.rcas.listVersions(rca?.id ?? '')).map((version) => version.changes)).toContainEqual([
      'actionItems',
      'needsHuman',
      'summary',
    ]);

    // Send for review from Slack; publishing is refused while a person still has fields to fill.
    await harness.interact(blockActionsPayload({ actionId: RcaActionId.review, value: rca?.id ?? '', message: onRca }));
    expect((await harness.store.rcas.get(rca?.id ?? ''))?.status).toBe('in_review');
    await harness.interact(
      blockActionsPayload({ actionId: RcaActionId.publish, value: rca?.id ?? '', message: onRca }),
    );
    expect(harness.slack.state.ephemerals.at(-1)?.text).toMatch(
      /^Resolve the review hints before publishing: .*\(trace [0-9a-f]+\)$/,
    );

    // The rest on the page (signed in through OIDC), then publish from Slack.
    const browser = createCookieClient();
    const page = await browser.request(`${webUrl}/rcas/${rca?.id ?? ''}/edit`);
    const form = await page.text();
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(form)?.[1] ?? '';
    const current = (await harness.store.rcas.get(rca?.id ?? ''))?.version ?? 0;
    const edit = new URLSearchParams({
      csrf: field('csrf'),
      version: String(current),
      title: 'checkout: release 1.8.3 could not start',
      severity: 'sev3',
      summary: 'Checkout could not start its new release for 20 minutes; orders kept working on the old pods.',
      impact: 'No failed orders; the rollout of checkout 1.8.3 stalled.',
      trigger: 'The prod-eu overlay was set to image tag 1.8.3.',
      rootCause: 'Image tag 1.8.3 was never pushed to the registry.',
      contributingFactors: 'No check that an image tag exists before merge.',
      startedAt: field('startedAt'),
      detectedAt: field('detectedAt'),
      detection: 'A developer asked sre-bot in the support channel.',
      resolvedAt: new Date().toISOString(),
      resolution: 'The tag was set back to 1.8.2.',
      actionItems:
        'Check image tags exist before merge | platform team | 2026-12-31 | https://tickets.example.com/PLAT-1',
      wentWell: 'The bot named the missing tag in its first answer.',
      wentWrong: 'Nothing stopped the bad tag at merge.',
      gotLucky: 'The old pods kept serving.',
    });
    const saved = await browser.request(`${webUrl}/rcas/${rca?.id ?? ''}/edit`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: edit.toString(),
    });
    expect(await saved.text()).toContain('Saved.');
    await harness.interact(
      blockActionsPayload({ actionId: RcaActionId.publish, value: rca?.id ?? '', message: onRca }),
    );
    const published = await harness.store.rcas.get(rca?.id ?? '');
    expect(published?.status).toBe('published');
    const final = harness.slack
      .callsTo('chat.update')
      .filter((call) => call.args['ts'] === onRca.ts)
      .at(-1);
    expect(JSON.stringify(final?.args['blocks'])).toContain('Published');

    const markdown = await (await browser.request(`${webUrl}/rcas/${rca?.id ?? ''}.md`)).text();
    expect(markdown).toMatch(/^# checkout: release 1\.8\.3 could not start\n/);
    expect(markdown).toContain('| published (v');
    expect(markdown).toContain(
      '| Check image tags exist before merge | platform team | 2026-12-31 | ' +
        '[ticket](https://tickets.example.com/PLAT-1) |',
    );
    expect(markdown).toContain('## Response and timeline');
    const history = (await harness.store.rcas.listVersions(rca?.id ?? '')).map((version) => [
      version.editedBy,
      version.status,
    ]);
    expect(history[0]).toEqual([FAKE_WORKSPACE.humanUserId, 'published']);
    expect(history).toContainEqual(['U0ONCALL01', 'in_review']);
  });
});
