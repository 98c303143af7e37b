import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { errorPage } from './layout.js';
import type { PendingSignIn } from './oidc-sign-in.js';
import type { Reader } from './session.js';
import { page, refusal, type RcaContext, type RcaWebEnv, type WebContext } from './web-context.js';

const SESSION = 'rca_session';
const LOGIN = 'rca_login';

/** Only same-site paths are followed after sign-in (no open redirect). */
function safeReturnTo(value: string | undefined): string {
  return value && value.startsWith('/') && !value.startsWith('//') ? value : '/rcas';
}

function cookieOptions(web: WebContext, maxAge?: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax' as const,
    secure: web.isSecure,
    ...(maxAge !== undefined ? { maxAge } : {}),
  };
}

/**
 * The public routes: OIDC sign-in (authorization code with PKCE; the pending state rides in a
 * signed, ten-minute cookie), its callback, sign-out, and the signed-out page.
 */
export function signInRoutes(web: WebContext): Hono<RcaWebEnv> {
  const { deps, signer } = web;
  const callbackUrl = new URL('/auth/callback', deps.baseUrl).href;
  const routes = new Hono<RcaWebEnv>();

  routes.get('/login', async (c) => {
    if (!deps.signIn) return refusal(c, 404, 'Sign-in is handled by the proxy in front of this page.');
    const { url: authorize, pending } = await deps.signIn.start(callbackUrl);
    const state = signer.sign({ ...pending, returnTo: safeReturnTo(c.req.query('returnTo')) }, 600);
    setCookie(c, LOGIN, state, cookieOptions(web, 600));
    return c.redirect(authorize, 303);
  });

  routes.get('/auth/callback', async (c) => {
    const pending = signer.verify<PendingSignIn>(getCookie(c, LOGIN));
    if (!deps.signIn || !pending) return refusal(c, 400, 'That sign-in expired; please sign in again.');
    const url = new URL(c.req.url);
    const reader = await deps.signIn.finish(new URL(url.pathname + url.search, deps.baseUrl), pending);
    deps.logger.info({ event: 'web-sign-in', reader: reader.id, teams: reader.teams.length }, 'reader signed in');
    setCookie(c, SESSION, signer.sign(reader), cookieOptions(web));
    deleteCookie(c, LOGIN, cookieOptions(web));
    return c.redirect(safeReturnTo(pending.returnTo), 303);
  });

  routes.get('/logout', (c) => {
    deleteCookie(c, SESSION, cookieOptions(web));
    return c.redirect('/signed-out', 303);
  });

  routes.get('/signed-out', (c) => page(c, 200, errorPage(undefined, 'You are signed out.', 'none')));
  return routes;
}

/** The reader a trusted proxy names in its headers, or the one the signed session cookie holds. */
function readerFrom(web: WebContext, c: RcaContext): Reader | undefined {
  const { trustedHeader } = web.deps;
  if (trustedHeader) {
    const user = c.req.header(trustedHeader.user);
    const teams = c.req.header(trustedHeader.teams);
    if (user === undefined || user === '') return undefined;
    return { id: user, name: user, teams: teams !== undefined ? teams.split(/[\s,]+/).filter(Boolean) : [] };
  }
  return web.signer.verify<Reader>(getCookie(c, SESSION));
}

/**
 * Sets the reader for every later route. Without one: a GET goes to sign-in (and back to the
 * page asked for), anything else is refused; behind a proxy there is nowhere to send them.
 */
export function requireReader(web: WebContext) {
  return createMiddleware<RcaWebEnv>(async (c, next) => {
    const reader = readerFrom(web, c);
    if (reader) {
      c.set('reader', reader);
      return next();
    }
    if (c.req.method !== 'GET') return refusal(c, 401, 'Please sign in first.');
    if (web.deps.trustedHeader) return refusal(c, 401, 'The proxy did not say who you are.');
    const url = new URL(c.req.url);
    return c.redirect(`/login?returnTo=${encodeURIComponent(url.pathname + url.search)}`, 303);
  });
}
