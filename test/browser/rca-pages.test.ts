import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRcaService, type RcaService } from '../../bot/rca/rca-service.js';
import { migrate } from '../../bot/store/migrate.js';
import { createPgliteDatabase } from '../../bot/store/pglite-database.js';
import { createStore, type Store } from '../../bot/store/store.js';
import { createLogger } from '../../bot/telemetry/logger.js';
import { createRcaWebServer, type RcaWebServer } from '../../bot/web/web-server.js';
import { startFakeOidc, type FakeOidc } from '../fakes/oidc/fake-oidc.js';
import { repositoryRoot } from '../support/pipeline.js';
import { fakeOidcSignIn, seedAnsweredInvestigation } from '../support/rca-fixtures.js';

/** Debian's Chromium (`apt-get install -y chromium`, done by .ci/run), or CHROMIUM_PATH. */
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => Boolean(path && existsSync(path)),
);
/** Screenshots are test artefacts (gitignored). */
const SHOTS = join(repositoryRoot, 'test-artifacts', 'rca-browser');
const TEAMS: Record<string, string> = { C0SHOP0001: 'shop', C0PAY00001: 'payments' };

if (!CHROMIUM)
  console.warn(
    'Skipping the RCA browser tests: no Chromium binary found (apt-get install -y chromium, or set CHROMIUM_PATH).',
  );

describe.skipIf(!CHROMIUM)('RCA pages in Chromium', () => {
  let store: Store;
  let service: RcaService;
  let oidc: FakeOidc;
  let web: RcaWebServer;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const db = await createPgliteDatabase();
    await migrate(db);
    store = createStore(db);
    service = createRcaService({ store, teamOf: (channel) => TEAMS[channel] });
    const seeds = [
      { id: 'inv-1', channel: 'C0SHOP0001', service: 'checkout', deployedAt: '2026-11-02T09:00:00Z' },
      { id: 'inv-2', channel: 'C0SHOP0001', service: 'cart', deployedAt: '2026-11-16T09:00:00Z' },
      { id: 'inv-3', channel: 'C0SHOP0001', service: 'checkout', deployedAt: '2026-11-24T09:00:00Z' },
      { id: 'inv-4', channel: 'C0PAY00001', service: 'ledger', deployedAt: '2026-11-24T09:00:00Z' },
    ];
    for (const seed of seeds) {
      await seedAnsweredInvestigation(store, seed);
      await service.draft(seed.id, { author: 'U0ASKER01' });
    }
    oidc = await startFakeOidc([
      { sub: 'U0SHOPPER1', name: 'Sam Shop', groups: ['shop'] },
      { sub: 'U0PAYER001', name: 'Pat Pay', groups: ['payments'] },
    ]);
    const deps = {
      service,
      store,
      logger: createLogger({ level: 'silent' }),
      sessionSecret: 'b'.repeat(32),
      channelsOfTeams: (teams: readonly string[]) => Object.keys(TEAMS).filter((c) => teams.includes(TEAMS[c] ?? '')),
    };
    const probe = createRcaWebServer({ ...deps, baseUrl: 'http://127.0.0.1' });
    url = await probe.listen(0, '127.0.0.1');
    await probe.close();
    web = createRcaWebServer({
      ...deps,
      baseUrl: url,
      signIn: fakeOidcSignIn(oidc),
    });
    await web.listen(Number(new URL(url).port), '127.0.0.1');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await oidc?.close();
    await store?.close();
  });

  async function signedIn(sub: string): Promise<Page> {
    oidc.signInAs(sub);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${url}/rcas`);
    return page;
  }

  it('signs in, lists, filters, opens, edits and publishes', async () => {
    const page = await signedIn('U0SHOPPER1');
    expect(page.url()).toBe(`${url}/rcas`);
    await expect(page.locator('header .who').innerText()).resolves.toContain('Sam Shop');
    expect(await page.locator('table.index tbody tr').count()).toBe(3);
    await page.screenshot({ path: join(SHOTS, 'index.png'), fullPage: true });

    await page.selectOption('select[name=service]', 'cart');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/service=cart/);
    expect(await page.locator('table.index tbody tr').count()).toBe(1);

    await page.click('table.index tbody tr a');
    await page.waitForURL(/\/rcas\/rca-/);
    await expect(page.locator('section.manager h1').innerText()).resolves.toContain('cart');
    expect(await page.locator('table.timeline a.source').count()).toBeGreaterThan(0);
    await expect(page.locator('.hints').innerText()).resolves.toContain('Choose a severity');
    await page.screenshot({ path: join(SHOTS, 'rca-draft.png'), fullPage: true });

    await page.click('text=Edit');
    await page.selectOption('#severity', 'sev2');
    await page.fill('#impact', 'Carts could not be saved for 20 minutes.');
    // The seeded question was asked just now; recovery came after it.
    await page.fill('#resolvedAt', new Date(Date.now() + 3_600_000).toISOString());
    await page.fill('#resolution', 'The image tag was rolled back.');
    await page.fill(
      '#actionItems',
      'Check image tags in CI | platform team | 2026-12-31 | https://tickets.example.com/P-2',
    );
    await page.fill('#gotLucky', 'It happened on a quiet morning.');
    await page.click('form.edit button[type=submit]');
    await expect(page.locator('.notice').innerText()).resolves.toBe('Saved.');
    await page.click('button:has-text("Send for review")');
    await page.click('button:has-text("Publish")');
    await expect(page.locator('.notice').innerText()).resolves.toBe('Published.');
    await expect(page.locator('.status').first().innerText()).resolves.toBe('published');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'rca-published-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    await page.click('text=History');
    expect(await page.locator('table.history tbody tr').count()).toBe(4);
    await expect(page.locator('table.history tbody tr').first().innerText()).resolves.toContain('U0SHOPPER1');
  });

  it('refuses a reader from another team', async () => {
    const [shopRca] = await store.rcas.listForInvestigation('inv-1');
    const page = await signedIn('U0PAYER001');
    expect(await page.locator('table.index tbody tr').count()).toBe(1);
    const response = await page.goto(`${url}/rcas/${shopRca?.id ?? ''}`);
    expect(response?.status()).toBe(403);
    await expect(page.locator('main').innerText()).resolves.toContain('belongs to another team');
    await page.screenshot({ path: join(SHOTS, 'refused.png') });
  });

  it('renders the overview charts', async () => {
    const page = await signedIn('U0SHOPPER1');
    await page.goto(`${url}/overview`);
    expect(await page.locator('figure.chart svg').count()).toBe(4);
    const box = await page.locator('figure.chart svg').first().boundingBox();
    expect(box?.height ?? 0).toBeGreaterThan(100);
    expect(await page.locator('figure.chart svg g.mark-rect path').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'overview.png'), fullPage: true });
  });
});
