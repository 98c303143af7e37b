import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BotError, errorMessage } from '../errors.js';
import type { RcaService, RcaView } from '../rca/rca-service.js';
import type { RcaStatus } from '../store/rcas-repository.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import { editPage, parseEditForm } from './edit-page.js';
import type { Html } from './html.js';
import { indexFilter, indexPage, type IndexQuery } from './index-page.js';
import { errorPage, STYLESHEET } from './layout.js';
import type { OidcSignIn, PendingSignIn } from './oidc-sign-in.js';
import { OVERVIEW_WEEKS, overviewPage } from './overview-page.js';
import { historyPage, rcaPage } from './rca-page.js';
import { cookie, createSigner, parseCookies, type Reader } from './session.js';

export interface RcaWebDeps {
  service: RcaService;
  store: Store;
  logger: Logger;
  /** Public base URL (SRE_BOT_WEB_URL): redirect URI and Secure cookies derive from it. */
  baseUrl: string;
  sessionSecret: string;
  signIn?: OidcSignIn;
  /** An authenticating proxy's header naming the reader, and the one listing their teams. */
  trustedHeader?: { user: string; teams: string };
  /** Channel ids of a team (for the overview's fix-PR and helpful counts). */
  channelsOfTeams: (teams: readonly string[]) => string[];
  now?: () => Date;
}

const SESSION = 'rca_session';
const LOGIN = 'rca_login';
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self' data:; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};
const MAX_BODY = 64 * 1024;

type Handler = (request: Request) => Promise<void>;

interface Request {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  reader?: Reader;
}

function send(res: ServerResponse, status: number, body: string | Html, type = 'text/html; charset=utf-8', extra = {}) {
  res.writeHead(status, { 'content-type': type, ...SECURITY_HEADERS, ...extra }).end(String(body));
}

function redirect(res: ServerResponse, location: string, cookies: string[] = []) {
  res.writeHead(303, { location, ...SECURITY_HEADERS, ...(cookies.length > 0 ? { 'set-cookie': cookies } : {}) }).end();
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new BotError('invalid_input', 'That form is too large.');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Only same-site paths are followed after sign-in (no open redirect). */
function safeReturnTo(value: string | null): string {
  return value && value.startsWith('/') && !value.startsWith('//') ? value : '/rcas';
}

/**
 * The RCA web page on node:http: server-rendered, every value escaped, no script. Readers sign
 * in with OIDC (or a trusted proxy header) and see the RCAs of their teams; reads, edits,
 * publishes, exports and refusals are audited in `rca_access_log`.
 */
export function createRcaWebServer(deps: RcaWebDeps) {
  const signer = createSigner(deps.sessionSecret);
  const isSecure = deps.baseUrl.startsWith('https:');
  const now = deps.now ?? (() => new Date());
  const callbackUrl = new URL('/auth/callback', deps.baseUrl).href;

  function readerOf(req: IncomingMessage): Reader | undefined {
    if (deps.trustedHeader) {
      const user = req.headers[deps.trustedHeader.user.toLowerCase()];
      const teams = req.headers[deps.trustedHeader.teams.toLowerCase()];
      if (typeof user !== 'string' || user === '') return undefined;
      return { id: user, name: user, teams: typeof teams === 'string' ? teams.split(/[\s,]+/).filter(Boolean) : [] };
    }
    return signer.verify<Reader>(parseCookies(req.headers.cookie)[SESSION]);
  }

  /** The RCA when the reader's teams include its team; a refusal is audited and answered 403. */
  async function readable(request: Request, id: string): Promise<RcaView | undefined> {
    const reader = request.reader as Reader; // routes behind sign-in only
    const view = await deps.service.get(id);
    if (!view) {
      send(request.res, 404, errorPage(reader, 'There is no RCA with that id.', traceId()));
      return undefined;
    }
    if (!view.rca.team || !reader.teams.includes(view.rca.team)) {
      await deps.store.rcas.logAccess(id, reader.id, 'refused');
      deps.logger.info({ event: 'rca-access-refused', rcaId: id, reader: reader.id }, 'RCA read refused');
      send(request.res, 403, errorPage(reader, 'This RCA belongs to another team, so you cannot read it.', traceId()));
      return undefined;
    }
    return view;
  }

  const traceId = () => randomBytes(8).toString('hex');

  async function checkCsrf(request: Request, form: URLSearchParams): Promise<boolean> {
    if (form.get('csrf') === signer.csrf((request.reader as Reader).id)) return true;
    send(
      request.res,
      403,
      errorPage(request.reader, 'This form has expired; reload the page and try again.', traceId()),
    );
    return false;
  }

  const login: Handler = async ({ res, url }) => {
    if (!deps.signIn)
      return send(res, 404, errorPage(undefined, 'Sign-in is handled by the proxy in front of this page.', traceId()));
    const { url: authorize, pending } = await deps.signIn.start(callbackUrl);
    const state = signer.sign({ ...pending, returnTo: safeReturnTo(url.searchParams.get('returnTo')) }, 600);
    redirect(res, authorize, [cookie(LOGIN, state, { isSecure, maxAge: 600 })]);
  };

  const callback: Handler = async ({ req, res, url }) => {
    const pending = signer.verify<PendingSignIn>(parseCookies(req.headers.cookie)[LOGIN]);
    if (!deps.signIn || !pending)
      return send(res, 400, errorPage(undefined, 'That sign-in expired; please sign in again.', traceId()));
    const reader = await deps.signIn.finish(new URL(url.pathname + url.search, deps.baseUrl), pending);
    deps.logger.info({ event: 'web-sign-in', reader: reader.id, teams: reader.teams.length }, 'reader signed in');
    redirect(res, safeReturnTo(pending.returnTo), [
      cookie(SESSION, signer.sign(reader), { isSecure }),
      cookie(LOGIN, '', { isSecure, maxAge: 0 }),
    ]);
  };

  const index: Handler = async ({ res, url, reader }) => {
    const r = reader as Reader;
    const query = Object.fromEntries(
      ['team', 'service', 'severity', 'status', 'from', 'to', 'q', 'page'].flatMap((key) => {
        const value = url.searchParams.get(key);
        return value ? [[key, value]] : [];
      }),
    ) as IndexQuery;
    const filter = indexFilter(query, r.teams);
    const [rcas, total, services] = await Promise.all([
      deps.store.rcas.list(filter),
      deps.store.rcas.count(filter),
      deps.store.rcas.services(r.teams),
    ]);
    send(res, 200, indexPage(r, rcas, query, { teams: r.teams, services, total }));
  };

  const overview: Handler = async ({ res, reader }) => {
    const r = reader as Reader;
    const since = new Date(now().getTime() - OVERVIEW_WEEKS * 7 * 86_400_000);
    const rcas = await deps.store.rcas.list({ teams: r.teams, from: since, limit: 5_000 });
    const followUps = await deps.store.rcas.weeklyFollowUps(deps.channelsOfTeams(r.teams), since);
    send(res, 200, await overviewPage(r, rcas, followUps, now()));
  };

  async function showRca(request: Request, id: string, format: 'page' | 'markdown' | 'history' | 'edit') {
    const view = await readable(request, id);
    if (!view) return;
    const reader = request.reader as Reader;
    if (format === 'markdown') {
      await deps.store.rcas.logAccess(id, reader.id, 'export');
      return send(request.res, 200, deps.service.markdown(view), 'text/markdown; charset=utf-8', {
        'content-disposition': `attachment; filename="${id.replace(/[^\w.-]/g, '_')}.md"`,
      });
    }
    await deps.store.rcas.logAccess(id, reader.id, 'read');
    const csrf = signer.csrf(reader.id);
    if (format === 'history')
      return send(request.res, 200, historyPage(reader, view, await deps.store.rcas.listVersions(id)));
    if (format === 'edit') return send(request.res, 200, editPage(reader, view, { csrf }));
    const notice = request.url.searchParams.get('notice') ?? undefined;
    send(request.res, 200, rcaPage(reader, view, { csrf, canEdit: true, ...(notice ? { notice } : {}) }));
  }

  async function saveEdit(request: Request, id: string) {
    const form = await readForm(request.req);
    if (!(await checkCsrf(request, form))) return;
    const view = await readable(request, id);
    if (!view) return;
    const reader = request.reader as Reader;
    const { patch, version } = parseEditForm(form);
    try {
      await deps.service.edit(id, patch, { editor: reader.id, expectedVersion: version });
    } catch (error) {
      if (!(error instanceof BotError) || error.code !== 'invalid_input') throw error;
      return send(request.res, 400, editPage(reader, view, { csrf: signer.csrf(reader.id), error: error.message }));
    }
    await deps.store.rcas.logAccess(id, reader.id, 'edit');
    redirect(request.res, `/rcas/${encodeURIComponent(id)}?notice=${encodeURIComponent('Saved.')}`);
  }

  async function changeStatus(request: Request, id: string) {
    const form = await readForm(request.req);
    if (!(await checkCsrf(request, form))) return;
    if (!(await readable(request, id))) return;
    const reader = request.reader as Reader;
    const status = form.get('status') as RcaStatus;
    let notice: string;
    try {
      await deps.service.transition(id, status, { editor: reader.id });
      await deps.store.rcas.logAccess(id, reader.id, status === 'published' ? 'publish' : 'edit');
      notice = status === 'published' ? 'Published.' : `Moved to ${status.replace('_', ' ')}.`;
    } catch (error) {
      if (!(error instanceof BotError) || error.code !== 'invalid_input') throw error;
      notice = error.message;
    }
    redirect(request.res, `/rcas/${encodeURIComponent(id)}?notice=${encodeURIComponent(notice)}`);
  }

  async function route(request: Request): Promise<void> {
    const { req, res, url } = request;
    const path = url.pathname;
    if (path === '/static/rca.css') return send(res, 200, STYLESHEET, 'text/css; charset=utf-8');
    if (path === '/healthz') return send(res, 200, '{"status":"ok"}', 'application/json');
    if (path === '/login') return login(request);
    if (path === '/auth/callback') return callback(request);
    if (path === '/logout') return redirect(res, '/signed-out', [cookie(SESSION, '', { isSecure, maxAge: 0 })]);
    if (path === '/signed-out') return send(res, 200, errorPage(undefined, 'You are signed out.', 'none'));
    request.reader = readerOf(req);
    if (!request.reader) {
      if (req.method !== 'GET') return send(res, 401, errorPage(undefined, 'Please sign in first.', traceId()));
      return deps.trustedHeader
        ? send(res, 401, errorPage(undefined, 'The proxy did not say who you are.', traceId()))
        : redirect(res, `/login?returnTo=${encodeURIComponent(path + url.search)}`);
    }
    if (path === '/' || path === '/rcas') return index(request);
    if (path === '/overview') return overview(request);
    const match = /^\/rcas\/([\w-]{1,100})(\.md|\/history|\/edit|\/status)?$/.exec(path);
    const id = match?.[1];
    if (!id) return send(res, 404, errorPage(request.reader, 'There is no such page.', traceId()));
    const suffix = match[2];
    if (req.method === 'POST' && suffix === '/edit') return saveEdit(request, id);
    if (req.method === 'POST' && suffix === '/status') return changeStatus(request, id);
    if (req.method !== 'GET') return send(res, 405, errorPage(request.reader, 'That is not allowed here.', traceId()));
    return showRca(
      request,
      id,
      suffix === '.md' ? 'markdown' : suffix === '/history' ? 'history' : suffix === '/edit' ? 'edit' : 'page',
    );
  }

  /** The node:http request listener. */
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request: Request = { req, res, url: new URL(req.url ?? '/', 'http://localhost') };
    try {
      await route(request);
    } catch (error) {
      const trace = traceId();
      deps.logger.error(
        { event: 'web-request-failed', traceId: trace, path: request.url.pathname, err: errorMessage(error) },
        'page failed',
      );
      if (!res.headersSent) send(res, 500, errorPage(request.reader, 'Something went wrong showing this page.', trace));
      else res.end();
    }
  }

  let server: Server | undefined;
  return {
    handle,
    /** Listens and returns the local URL. */
    async listen(port: number, host = '0.0.0.0'): Promise<string> {
      server = createServer((req, res) => void handle(req, res));
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(port, host, () => resolve());
      });
      const address = server.address() as AddressInfo; // a TCP listener always has AddressInfo
      return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
    },
    async close(): Promise<void> {
      if (!server) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server?.close(() => resolve()));
    },
  };
}

export type RcaWebServer = ReturnType<typeof createRcaWebServer>;
