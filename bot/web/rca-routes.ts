import { Hono } from 'hono';
import { BotError } from '../errors.js';
import type { RcaStatus } from '../store/rcas-repository.js';
import { editPage, parseEditForm } from './edit-page.js';
import { indexFilter, indexPage, type IndexQuery } from './index-page.js';
import { OVERVIEW_WEEKS, overviewPage } from './overview-page.js';
import { historyPage, rcaPage } from './rca-page.js';
import {
  csrfRefusal,
  page,
  readable,
  readerOf,
  readForm,
  refusal,
  type RcaContext,
  type RcaWebEnv,
  type WebContext,
} from './web-context.js';

const QUERY_KEYS = ['team', 'service', 'severity', 'status', 'from', 'to', 'q', 'page'] as const;
/** An RCA id in a path (ids are word characters and dashes). */
const ID = ':id{[\\w-]{1,100}}';

const noticeUrl = (id: string, notice: string) =>
  `/rcas/${encodeURIComponent(id)}?notice=${encodeURIComponent(notice)}`;

/**
 * The signed-in pages: index, overview, one RCA (page, markdown export, history, edit form) and
 * the two form posts (edit, status). Reads, exports, edits and publishes are audited.
 */
export function rcaRoutes(web: WebContext): Hono<RcaWebEnv> {
  const { deps, signer, now } = web;
  const routes = new Hono<RcaWebEnv>();

  const index = async (c: RcaContext) => {
    const reader = readerOf(c);
    const query = Object.fromEntries(
      QUERY_KEYS.flatMap((key) => {
        const value = c.req.query(key);
        return value ? [[key, value]] : [];
      }),
    ) as IndexQuery;
    const filter = indexFilter(query, reader.teams);
    const [rcas, total, services] = await Promise.all([
      deps.store.rcas.list(filter),
      deps.store.rcas.count(filter),
      deps.store.rcas.services(reader.teams),
    ]);
    return page(c, 200, indexPage(reader, rcas, query, { teams: reader.teams, services, total }));
  };
  routes.get('/', index);
  routes.get('/rcas', index);

  routes.get('/overview', async (c) => {
    const reader = readerOf(c);
    const since = new Date(now().getTime() - OVERVIEW_WEEKS * 7 * 86_400_000);
    const rcas = await deps.store.rcas.list({ teams: reader.teams, from: since, limit: 5_000 });
    const followUps = await deps.store.rcas.weeklyFollowUps(deps.channelsOfTeams(reader.teams), since);
    return page(c, 200, await overviewPage(reader, rcas, followUps, now()));
  });

  routes.get(`/rcas/:file{[\\w-]{1,100}\\.md}`, async (c) => {
    const id = c.req.param('file').slice(0, -'.md'.length);
    const found = await readable(web, c, id);
    if ('refused' in found) return found.refused;
    await deps.store.rcas.logAccess(id, readerOf(c).id, 'export');
    return c.body(deps.service.markdown(found.view), 200, {
      'content-type': 'text/markdown; charset=utf-8',
      'content-disposition': `attachment; filename="${id.replace(/[^\w.-]/g, '_')}.md"`,
    });
  });

  const show = (format: 'page' | 'history' | 'edit') => async (c: RcaContext) => {
    const id = c.req.param('id') ?? '';
    const found = await readable(web, c, id);
    if ('refused' in found) return found.refused;
    const reader = readerOf(c);
    await deps.store.rcas.logAccess(id, reader.id, 'read');
    const csrf = signer.csrf(reader.id);
    if (format === 'history')
      return page(c, 200, historyPage(reader, found.view, await deps.store.rcas.listVersions(id)));
    if (format === 'edit') return page(c, 200, editPage(reader, found.view, { csrf }));
    const notice = c.req.query('notice');
    return page(c, 200, rcaPage(reader, found.view, { csrf, canEdit: true, ...(notice ? { notice } : {}) }));
  };
  routes.get(`/rcas/${ID}`, show('page'));
  routes.get(`/rcas/${ID}/history`, show('history'));
  routes.get(`/rcas/${ID}/edit`, show('edit'));

  routes.post(`/rcas/${ID}/edit`, async (c) => {
    const form = await readForm(c);
    const forged = csrfRefusal(web, c, form);
    if (forged) return forged;
    const id = c.req.param('id');
    const found = await readable(web, c, id);
    if ('refused' in found) return found.refused;
    const reader = readerOf(c);
    const { patch, version } = parseEditForm(form);
    try {
      await deps.service.edit(id, patch, { editor: reader.id, expectedVersion: version });
    } catch (error) {
      if (!(error instanceof BotError) || error.code !== 'invalid_input') throw error;
      return page(c, 400, editPage(reader, found.view, { csrf: signer.csrf(reader.id), error: error.message }));
    }
    await deps.store.rcas.logAccess(id, reader.id, 'edit');
    return c.redirect(noticeUrl(id, 'Saved.'), 303);
  });

  routes.post(`/rcas/${ID}/status`, async (c) => {
    const form = await readForm(c);
    const forged = csrfRefusal(web, c, form);
    if (forged) return forged;
    const id = c.req.param('id');
    const found = await readable(web, c, id);
    if ('refused' in found) return found.refused;
    const reader = readerOf(c);
    const status = form.get('status') as RcaStatus; // the service's transition checks it
    let notice: string;
    try {
      await deps.service.transition(id, status, { editor: reader.id });
      await deps.store.rcas.logAccess(id, reader.id, status === 'published' ? 'publish' : 'edit');
      notice = status === 'published' ? 'Published.' : `Moved to ${status.replace('_', ' ')}.`;
    } catch (error) {
      if (!(error instanceof BotError) || error.code !== 'invalid_input') throw error;
      notice = error.message;
    }
    return c.redirect(noticeUrl(id, notice), 303);
  });

  // Any other method on a page of the site is refused rather than treated as a missing page.
  const notAllowed = (c: RcaContext) => refusal(c, 405, 'That is not allowed here.');
  for (const path of ['/', '/rcas', '/overview', `/rcas/${ID}`, `/rcas/${ID}/history`, `/rcas/${ID}/edit`])
    routes.all(path, notAllowed);
  routes.all(`/rcas/${ID}/status`, notAllowed);
  routes.all(`/rcas/:file{[\\w-]{1,100}\\.md}`, notAllowed);
  return routes;
}
