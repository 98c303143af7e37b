/**
 * Model-mode RCA drafting through the real Anthropic client against the fake Messages API, over
 * PGlite: the request carries only the investigation's records, redacted and inside the
 * request's untrusted fence; the draft keeps the narrative the model wrote where it cites known
 * records and drops citations of records that do not exist; a failing model (an API error, or
 * an answer without the submit_rca call) falls back to the triage draft with a review hint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropicModelClient } from '../../bot/model/anthropic-model-client.js';
import { draftFromRecords } from '../../bot/rca/draft-triage.js';
import { loadRcaRecords } from '../../bot/rca/load-records.js';
import { createRcaService, MODEL_FALLBACK_NOTE, type RcaService } from '../../bot/rca/rca-service.js';
import { migrate } from '../../bot/store/migrate.js';
import { createPgliteDatabase } from '../../bot/store/pglite-database.js';
import { createStore, type Store } from '../../bot/store/store.js';
import { anthropicSteps, startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic/index.js';
import { seedAnsweredInvestigation } from '../support/rca-fixtures.js';

/** A GitHub token pasted into a question: the records the model reads must not carry it. */
const PASTED_TOKEN = `ghp_${'Zq8Lw3Xv7Rt2Ny6Mk1Pb5Hc9Jd4Fs0Ga8Ue2I'.slice(0, 36)}`;
const MODEL = 'claude-rca-test';

let anthropic: FakeAnthropic;
let store: Store;
let service: RcaService;

/** The one text block of the request's one user message. */
function userText(index: number): string {
  const body = anthropic.messageRequests()[index]?.body as { messages: Array<{ role: string; content: unknown }> };
  expect(body.messages).toHaveLength(1);
  const [message] = body.messages;
  expect(message?.role).toBe('user');
  const blocks = message?.content as Array<{ type: string; text: string }>;
  expect(blocks.map((block) => block.type)).toEqual(['text']);
  return blocks[0]?.text ?? '';
}

async function seed(id: string): Promise<string> {
  await seedAnsweredInvestigation(store, {
    id,
    channel: 'C0SHOP0001',
    service: 'checkout',
    question: `why is checkout failing in prod? my token is ${PASTED_TOKEN}`,
  });
  const [call] = await store.toolCalls.listForInvestigation(id);
  return `tool-call:${String(call?.id)}`;
}

beforeAll(async () => {
  anthropic = await startFakeAnthropic();
  const db = await createPgliteDatabase();
  await migrate(db);
  store = createStore(db);
  const model = createAnthropicModelClient({
    apiKey: 'rca-test',
    baseURL: anthropic.url,
    models: [MODEL],
    retriesPerModel: 0,
    minRetryDelayMs: 1,
    timeoutMs: 10_000,
  });
  service = createRcaService({ store, model, teamOf: () => 'shop' });
});

afterAll(async () => {
  await store?.close();
  await anthropic?.close();
});

describe('RCA drafts in model mode', () => {
  it('sends only the fenced, redacted records and keeps the narrative that cites them', async () => {
    const toolCall = await seed('inv-model-1');
    anthropic.setScript([
      anthropicSteps.toolUse('submit_rca', {
        summary: 'Checkout could not roll out its new release; customers kept using the old one.',
        impact: 'The new checkout release never served traffic.',
        trigger: 'A deploy set an image tag that was never pushed.',
        rootCause: 'Image tag 9.9.9 does not exist in the registry, so new pods cannot pull it.',
        contributingFactors: ['Nothing checks that an image tag exists before it is deployed.'],
        lessons: { wentWell: ['The cause was named in the first answer.'], wentWrong: ['No alert fired.'] },
        citations: {
          summary: ['investigation:inv-model-1'],
          impact: ['investigation:inv-model-1'],
          rootCause: [toolCall, 'tool-call:999999'],
          lessons: ['tool-call:999999'],
        },
      }),
    ]);
    const drafted = await service.draft('inv-model-1', { author: 'U0ASKER01' });

    const [request] = anthropic.messageRequests();
    const body = request?.body as { system: unknown; tools: Array<{ name: string }>; tool_choice: unknown };
    expect(body.tools.map((tool) => tool.name)).toEqual(['submit_rca']);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'submit_rca' });
    const text = userText(0);
    const fence = /^<(untrusted-data-[\w-]+) source="sre-bot-records">\n([\s\S]*)\n<\/\1>$/.exec(text);
    expect(fence, 'the whole user message is one fenced block').not.toBeNull();
    expect(JSON.stringify(body.system)).toContain(`<${fence?.[1] ?? ''}>`);
    const records = JSON.parse(fence?.[2] ?? '{}') as Record<string, unknown>;
    expect(Object.keys(records)).toEqual([
      'investigation',
      'timeline',
      'deployments',
      'failedSyncs',
      'appStates',
      'corrections',
    ]);
    expect(text).not.toContain(PASTED_TOKEN);
    expect(text).toContain('why is checkout failing in prod? my token is');
    expect(JSON.stringify(records['investigation'])).toContain('"reference":"investigation:inv-model-1"');

    const { document } = drafted;
    expect(document.mode).toBe('model');
    expect(document.draftNote).toBeUndefined();
    expect(document.summary).toBe('Checkout could not roll out its new release; customers kept using the old one.');
    expect(document.rootCause).toMatch(/^Image tag 9\.9\.9 does not exist/);
    expect(document.citations['rootCause']).toEqual([{ kind: 'tool-call', ref: toolCall.slice('tool-call:'.length) }]);
    expect(document.citations['summary']).toEqual([{ kind: 'investigation', ref: 'inv-model-1' }]);
    // Lessons cited only a record that does not exist, so they stay the triage ones.
    const triage = draftFromRecords(await loadRcaRecords(store, 'inv-model-1', { messages: [] }));
    expect(document.lessons).toEqual(triage.lessons);
    expect(drafted.rca.mode).toBe('model');
  });

  it.each([
    ['the API fails', () => anthropicSteps.serverError({ times: Infinity })],
    ['the model answers without submit_rca', () => anthropicSteps.text('Here is your RCA.', { times: Infinity })],
  ])('falls back to the triage draft with a review hint when %s', async (_case, step) => {
    const id = `inv-model-${String(anthropic.messageRequests().length + 10)}`;
    await seed(id);
    anthropic.setScript([step()]);
    const before = anthropic.messageRequests().length;
    const drafted = await service.draft(id, { author: 'U0ASKER01' });
    expect(anthropic.messageRequests().length).toBeGreaterThan(before);
    const triage = draftFromRecords(await loadRcaRecords(store, id, { messages: [] }));
    expect(drafted.document).toEqual({ ...triage, draftNote: MODEL_FALLBACK_NOTE });
    expect(drafted.rca.mode).toBe('triage');
    expect(drafted.findings).toContainEqual({
      rule: 'draft-mode',
      level: 'warning',
      section: 'summary',
      message: MODEL_FALLBACK_NOTE,
    });
  });
});
