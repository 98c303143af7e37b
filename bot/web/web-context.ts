import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import type { RcaService, RcaView } from '../rca/rca-service.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import type { Html } from './html.js';
import { errorPage } from './layout.js';
import type { OidcSignIn } from './oidc-sign-in.js';
import type { Reader, Signer } from './session.js';

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

/** The hono environment of the page: the signed-in reader, set by the sign-in middleware. */
export interface RcaWebEnv {
  Variables: { reader?: Reader };
}

export type RcaContext = Context<RcaWebEnv>;

/** What every route of the page shares: its dependencies, the cookie signer and the clock. */
export interface WebContext {
  deps: RcaWebDeps;
  signer: Signer;
  isSecure: boolean;
  now: () => Date;
}

/** The id a person quotes when they report a failed page (logged with the failure). */
export function traceId(): string {
  return randomBytes(8).toString('hex');
}

/** The signed-in reader; only called from routes behind the sign-in middleware. */
export function readerOf(c: RcaContext): Reader {
  return c.get('reader') as Reader; // the sign-in middleware answers before these routes when unset
}

/** An HTML page (record text is already escaped by the `html` template). */
export function page(c: RcaContext, status: 200 | 400 | 401 | 403 | 404 | 405 | 413 | 500, body: Html | string) {
  return c.html(String(body), status);
}

/** One plain sentence plus a fresh trace id, for the reader when one is signed in. */
export function refusal(c: RcaContext, status: 400 | 401 | 403 | 404 | 405 | 413, sentence: string) {
  return page(c, status, errorPage(c.get('reader'), sentence, traceId()));
}

/** The url-encoded form of a POST (hono parses it; the body-limit middleware caps its size). */
export async function readForm(c: RcaContext): Promise<URLSearchParams> {
  const body = await c.req.parseBody();
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') form.set(name, value);
  return form;
}

/**
 * The RCA when the reader's teams include its team. Otherwise the answer to send: 404 for no
 * such RCA, 403 for another team's (that refusal is audited).
 */
export async function readable(
  web: WebContext,
  c: RcaContext,
  id: string,
): Promise<{ view: RcaView } | { refused: Response }> {
  const reader = readerOf(c);
  const view = await web.deps.service.get(id);
  if (!view) return { refused: refusal(c, 404, 'There is no RCA with that id.') };
  if (!view.rca.team || !reader.teams.includes(view.rca.team)) {
    await web.deps.store.rcas.logAccess(id, reader.id, 'refused');
    web.deps.logger.info({ event: 'rca-access-refused', rcaId: id, reader: reader.id }, 'RCA read refused');
    return { refused: refusal(c, 403, 'This RCA belongs to another team, so you cannot read it.') };
  }
  return { view };
}

/** Undefined when the form carries the reader's CSRF token, else the 403 to send. */
export function csrfRefusal(web: WebContext, c: RcaContext, form: URLSearchParams): Response | undefined {
  if (form.get('csrf') === web.signer.csrf(readerOf(c).id)) return undefined;
  return refusal(c, 403, 'This form has expired; reload the page and try again.');
}
