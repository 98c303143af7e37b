import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBackends, type TestDatabase } from '../../test/support/databases.js';
import { MAX_TURNS } from './conversations-repository.js';
import { migrate } from './migrate.js';
import { createStore, type Store } from './store.js';

describe.each(databaseBackends)('conversations on $backend', ({ create }) => {
  let testDb: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    testDb = await create();
    await migrate(testDb.db);
    store = createStore(testDb.db);
  });
  afterAll(async () => {
    await testDb.drop();
  });

  const answered = (app: string) => ({
    entities: { app: { name: app, instance: 'argocd-eu-1' } },
    evidence: [{ text: `${app} ImagePullBackOff`, source: 'k8s' }],
    answer: { summary: `${app} is down` },
  });

  it(
    'keeps the subject of the last answer, the clarification ' + 'until it is answered, and one turn per investigation',
    async () => {
      await store.conversations.recordTurn('C1', '1.0', {
        kind: 'thread',
        investigationId: 'inv-1',
        turn: { question: 'why is checkout failing?', answer: 'tag not found' },
        answered: answered('checkout'),
      });
      // A retried job records the same investigation again: no second turn.
      await store.conversations.recordTurn('C1', '1.0', {
        kind: 'thread',
        investigationId: 'inv-1',
        turn: { question: 'why is checkout failing?', answer: 'tag not found' },
        answered: answered('checkout'),
      });
      await store.conversations.recordTurn('C1', '1.0', {
        kind: 'thread',
        investigationId: 'inv-2',
        turn: { question: 'catalog?', answer: 'Which one?' },
        clarification: { question: 'catalog?', choices: [{ label: 'eu', question: 'catalog on eu' }] },
      });
      let row = await store.conversations.get('C1', '1.0');
      expect(row?.turns.map((turn) => turn.question)).toEqual(['why is checkout failing?', 'catalog?']);
      expect(row?.entities).toEqual(answered('checkout').entities);
      expect(row?.lastInvestigationId).toBe('inv-1');
      expect(row?.pendingClarification?.choices).toHaveLength(1);

      await store.conversations.recordTurn('C1', '1.0', {
        kind: 'thread',
        investigationId: 'inv-3',
        turn: { question: 'catalog on eu', answer: 'catalog is healthy' },
        answered: answered('catalog'),
      });
      row = await store.conversations.get('C1', '1.0');
      expect(row?.pendingClarification).toBeUndefined();
      expect(row?.lastInvestigationId).toBe('inv-3');
      expect(row?.evidence).toEqual(answered('catalog').evidence);
      expect(row?.gatheredAt).toBeInstanceOf(Date);
    },
  );

  it(`keeps the newest ${MAX_TURNS} turns, oldest first`, async () => {
    for (let index = 0; index < MAX_TURNS + 3; index += 1)
      await store.conversations.recordTurn('C2', '2.0', {
        kind: 'dm',
        investigationId: `inv-${index}`,
        turn: { question: `q${index}`, answer: `a${index}` },
        answered: answered('checkout'),
      });
    const row = await store.conversations.get('C2', '2.0');
    expect(row?.turns.map((turn) => turn.question)).toEqual(
      Array.from({ length: MAX_TURNS }, (_, index) => `q${index + 3}`),
    );
    expect(row?.kind).toBe('dm');
  });

  it('remembers AI-app threads Slack started, and keeps them assistant threads as turns are added', async () => {
    await store.conversations.markAssistantThread('D1', '3.0');
    await store.conversations.recordTurn('D1', '3.0', {
      kind: 'assistant',
      investigationId: 'inv-a',
      turn: { question: 'q', answer: 'a' },
      answered: answered('checkout'),
    });
    expect((await store.conversations.get('D1', '3.0'))?.kind).toBe('assistant');
    expect(await store.conversations.get('D1', 'other')).toBeUndefined();
  });
});
