import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAnsweredInvestigation } from '../../test/support/rca-fixtures.js';
import { createRcaService } from '../rca/rca-service.js';
import { migrate } from '../store/migrate.js';
import { createPgliteDatabase } from '../store/pglite-database.js';
import { createStore, type Store } from '../store/store.js';
import { createLogger } from '../telemetry/logger.js';
import { createRcaWebApp } from './web-server.js';

const SHOP = { 'x-user': 'U0SHOPPER1', 'x-teams': 'shop' };
const STRICT_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

describe('RCA web app behind a trusted proxy header (hono, in-process)', () => {
  let store: Store;
  let app: ReturnType<typeof createRcaWebApp>;
  let rcaId: string;

  beforeAll(async () => {
    const db = await createPgliteDatabase();
    await migrate(db);
    store = createStore(db);
    const service = createRcaService({ store, teamOf: () => 'shop' });
    await seedAnsweredInvestigation(store, { id: 'inv-shop', channel: 'C0SHOP0001', service: 'checkout' });
    rcaId = (await service.draft('inv-shop', { author: 'U0ASKER01' })).rca.id;
    app = createRcaWebApp({
      // A store failure on one id, to see what a person is shown when a page fails.
      service: {
        ...service,
        get: (id) => (id === 'broken' ? Promise.reject(new Error('database gone: secret detail')) : service.get(id)),
      },
      store,
      logger: createLogger({ level: 'silent' }),
      baseUrl: 'http://127.0.0.1',
      sessionSecret: 'y'.repeat(32),
      trustedHeader: { user: 'X-User', teams: 'X-Teams' },
      channelsOfTeams: () => ['C0SHOP0001'],
    });
  });
  afterAll(async () => {
    await store.close();
  });

  it('puts the same strict headers on pages, redirects and refusals, and none of hono’s extras', async () => {
    const answers = [
      await app.request('/rcas', { headers: SHOP }),
      await app.request('/rcas'),
      await app.request('/no-such-page', { headers: SHOP }),
      await app.request('/static/rca.css'),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 401, 404, 200]);
    for (const answer of answers) {
      expect(answer.headers.get('content-security-policy')).toBe(STRICT_CSP);
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(answer.headers.get('referrer-policy')).toBe('same-origin');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('strict-transport-security')).toBeNull();
    }
    expect(await answers[1]?.text()).toContain('The proxy did not say who you are.');
    expect(answers[3]?.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('refuses an unsigned post, a wrong method and an oversized form with one plain sentence', async () => {
    const unsigned = await app.request(`/rcas/${rcaId}/status`, { method: 'POST', body: 'status=in_review' });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.text()).toContain('Please sign in first.');
    const wrongMethod = await app.request(`/rcas/${rcaId}`, { method: 'DELETE', headers: SHOP });
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.text()).toContain('That is not allowed here.');
    const oversized = await app.request(`/rcas/${rcaId}/edit`, {
      method: 'POST',
      headers: { ...SHOP, 'content-type': 'application/x-www-form-urlencoded' },
      body: `title=${'a'.repeat(70 * 1024)}`,
    });
    expect(oversized.status).toBe(413);
    expect(await oversized.text()).toContain('That form is too large.');
    expect((await store.rcas.get(rcaId))?.version).toBe(1);
  });

  it('moves a draft with the CSRF token from the page, and audits the read and the edit', async () => {
    const text = await (await app.request(`/rcas/${rcaId}`, { headers: SHOP })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(text)?.[1] ?? '';
    expect(csrf).not.toBe('');
    const moved = await app.request(`/rcas/${rcaId}/status`, {
      method: 'POST',
      headers: { ...SHOP, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ status: 'in_review', csrf }).toString(),
    });
    expect(moved.status).toBe(303);
    expect(moved.headers.get('location')).toBe(`/rcas/${rcaId}?notice=Moved%20to%20in%20review.`);
    expect((await store.rcas.get(rcaId))?.status).toBe('in_review');
    const actions = (await store.rcas.accessLog(rcaId)).map((entry) => entry.action);
    expect(actions).toEqual(['read', 'edit']);
  });

  it('answers a failure with one sentence and a trace id, never the error itself', async () => {
    const failed = await app.request('/rcas/broken', { headers: SHOP });
    expect(failed.status).toBe(500);
    const text = await failed.text();
    expect(text).toContain('Something went wrong showing this page.');
    expect(text).toMatch(/Trace id: <code>[0-9a-f]{16}<\/code>/);
    expect(text).not.toContain('secret detail');
    expect(failed.headers.get('content-security-policy')).toBe(STRICT_CSP);
  });
});
