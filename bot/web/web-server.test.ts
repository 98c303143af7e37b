import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOidc, type FakeOidc } from '../../test/fakes/oidc/fake-oidc.js';
import { createCookieClient, fakeOidcSignIn, seedAnsweredInvestigation } from '../../test/support/rca-fixtures.js';
import { createRcaService, type RcaService } from '../rca/rca-service.js';
import { migrate } from '../store/migrate.js';
import { createPgliteDatabase } from '../store/pglite-database.js';
import { createStore, type Store } from '../store/store.js';
import { createLogger } from '../telemetry/logger.js';
import { createRcaWebServer, type RcaWebServer } from './web-server.js';

const TEAMS: Record<string, string> = { C0SHOP0001: 'shop', C0PAY00001: 'payments' };

describe('RCA web page over HTTP', () => {
  let store: Store;
  let service: RcaService;
  let oidc: FakeOidc;
  let web: RcaWebServer;
  let url: string;

  beforeAll(async () => {
    const db = await createPgliteDatabase();
    await migrate(db);
    store = createStore(db);
    service = createRcaService({ store, teamOf: (channel) => TEAMS[channel] });
    await seedAnsweredInvestigation(store, {
      id: 'inv-shop',
      channel: 'C0SHOP0001',
      service: 'checkout',
      rootCause: 'Image tag <script>alert(1)</script> does not exist.',
    });
    await seedAnsweredInvestigation(store, { id: 'inv-pay', channel: 'C0PAY00001', service: 'ledger' });
    await service.draft('inv-shop', { author: 'U0ASKER01' });
    await service.draft('inv-pay', { author: 'U0ASKER01' });
    oidc = await startFakeOidc([
      { sub: 'U0SHOPPER1', name: 'Sam Shop', groups: ['shop'] },
      { sub: 'U0PAYER001', name: 'Pat Pay', groups: ['payments'] },
    ]);
    web = createRcaWebServer({
      service,
      store,
      logger: createLogger({ level: 'silent' }),
      baseUrl: 'http://127.0.0.1:1', // replaced below once the port is known
      sessionSecret: 'x'.repeat(32),
      channelsOfTeams: (teams) => Object.keys(TEAMS).filter((channel) => teams.includes(TEAMS[channel] ?? '')),
    });
    url = await web.listen(0, '127.0.0.1');
    await web.close();
    web = createRcaWebServer({
      service,
      store,
      logger: createLogger({ level: 'silent' }),
      baseUrl: url,
      sessionSecret: 'x'.repeat(32),
      signIn: fakeOidcSignIn(oidc),
      channelsOfTeams: (teams) => Object.keys(TEAMS).filter((channel) => teams.includes(TEAMS[channel] ?? '')),
    });
    await web.listen(Number(new URL(url).port), '127.0.0.1');
  });
  afterAll(async () => {
    await web.close();
    await oidc.close();
    await store.close();
  });

  it('sends an unsigned reader to the issuer and back, with PKCE, to the page they asked for', async () => {
    const browser = createCookieClient();
    oidc.signInAs('U0SHOPPER1');
    const page = await browser.request(`${url}/rcas?severity=unknown`);
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${url}/rcas?severity=unknown`);
    const text = await page.text();
    expect(text).toContain('Sam Shop');
    expect(text).toMatch(/class="count">\s*1 RCA\s/);
    expect(oidc.tokenRequests.at(-1)).toMatchObject({ clientId: oidc.clientId, isPkceValid: true });
  });

  it('escapes record text and serves a script-free, strict CSP page', async () => {
    const browser = createCookieClient();
    oidc.signInAs('U0SHOPPER1');
    const [rca] = await store.rcas.listForInvestigation('inv-shop');
    const page = await browser.request(`${url}/rcas/${rca?.id ?? ''}`);
    const text = await page.text();
    expect(text).not.toContain('<script>');
    // Section text goes through remark/rehype with the HTML kept as (escaped) text.
    expect(text).toContain('&#x3C;script>alert(1)&#x3C;/script>');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const markdown = await browser.request(`${url}/rcas/${rca?.id ?? ''}.md`);
    expect(markdown.headers.get('content-type')).toContain('text/markdown');
    expect(await markdown.text()).toContain('Image tag \\<script\\>alert\\(1\\)\\</script\\> does not exist.');
    const log = await store.rcas.accessLog(rca?.id ?? '');
    expect(log.map((entry) => [entry.reader, entry.action])).toEqual([
      ['U0SHOPPER1', 'read'],
      ['U0SHOPPER1', 'export'],
    ]);
  });

  it('refuses a reader from another team, and a form post without the CSRF token', async () => {
    const browser = createCookieClient();
    oidc.signInAs('U0PAYER001');
    const [rca] = await store.rcas.listForInvestigation('inv-shop');
    const refused = await browser.request(`${url}/rcas/${rca?.id ?? ''}`);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('belongs to another team');
    expect((await store.rcas.accessLog(rca?.id ?? '')).at(-1)).toMatchObject({
      reader: 'U0PAYER001',
      action: 'refused',
    });
    const index = await (await browser.request(`${url}/rcas`)).text();
    expect(index).toContain('ledger');
    expect(index).not.toContain('checkout');
    const [own] = await store.rcas.listForInvestigation('inv-pay');
    const forged = await browser.request(`${url}/rcas/${own?.id ?? ''}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'status=in_review&csrf=forged',
    });
    expect(forged.status).toBe(403);
    expect((await store.rcas.get(own?.id ?? ''))?.status).toBe('draft');
  });

  it('draws the overview charts as SVG with Vega-Lite, scoped to the reader', async () => {
    const browser = createCookieClient();
    oidc.signInAs('U0SHOPPER1');
    const text = await (await browser.request(`${url}/overview`)).text();
    expect(text.match(/<svg\b/g)).toHaveLength(4);
    // Vega's SVG renderer: bar marks are paths in a mark-rect group, lines in mark-line.
    expect(text.match(/<g class="mark-rect role-mark[^"]*"[^>]*><path /g)?.length).toBeGreaterThan(0);
    expect(text).toContain('<g class="mark-line role-mark');
    expect(text).toContain('Incidents per week per service');
    // The legend names the reader's service, never another team's.
    expect(text).toMatch(/<text[^>]*>checkout<\/text>/);
    expect(text).not.toContain('ledger');
    expect(text).not.toContain('<script');
  });
});
