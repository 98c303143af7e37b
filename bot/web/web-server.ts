import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { errorMessage } from '../errors.js';
import { errorPage, STYLESHEET } from './layout.js';
import { rcaRoutes } from './rca-routes.js';
import { createSigner } from './session.js';
import { requireReader, signInRoutes } from './sign-in-routes.js';
import { page, refusal, traceId, type RcaWebDeps, type RcaWebEnv, type WebContext } from './web-context.js';

export type { RcaWebDeps } from './web-context.js';

const MAX_BODY = 64 * 1024;

/**
 * Strict headers on every answer, errors and redirects included: no script, styles only from
 * /static, no framing. Hono's extra defaults stay off so the set is exactly this one.
 */
const SECURITY_HEADERS = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  xContentTypeOptions: true,
  referrerPolicy: 'same-origin',
  xFrameOptions: 'DENY',
  crossOriginResourcePolicy: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  strictTransportSecurity: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
});

/**
 * The RCA web page as a hono app: server-rendered, every value escaped, no script. Readers sign
 * in with OIDC (or a trusted proxy header) and see the RCAs of their teams; reads, edits,
 * publishes, exports and refusals are audited in `rca_access_log`. A failure shows one plain
 * sentence and the trace id it is logged under.
 */
export function createRcaWebApp(deps: RcaWebDeps): Hono<RcaWebEnv> {
  const web: WebContext = {
    deps,
    signer: createSigner(deps.sessionSecret),
    isSecure: deps.baseUrl.startsWith('https:'),
    now: deps.now ?? (() => new Date()),
  };
  const app = new Hono<RcaWebEnv>();
  app.use(SECURITY_HEADERS, async (c, next) => {
    await next();
    c.header('cache-control', 'no-store');
  });
  app.use(bodyLimit({ maxSize: MAX_BODY, onError: (c) => refusal(c, 413, 'That form is too large.') }));
  app.onError((error, c) => {
    const trace = traceId();
    deps.logger.error(
      { event: 'web-request-failed', traceId: trace, path: c.req.path, err: errorMessage(error) },
      'page failed',
    );
    return page(c, 500, errorPage(c.get('reader'), 'Something went wrong showing this page.', trace));
  });
  app.notFound((c) => refusal(c, 404, 'There is no such page.'));

  app.get('/static/rca.css', (c) => c.body(STYLESHEET, 200, { 'content-type': 'text/css; charset=utf-8' }));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.route('/', signInRoutes(web));
  app.use(requireReader(web));
  app.route('/', rcaRoutes(web));
  return app;
}

/** The page on node:http through hono's adapter; `app` answers in-process requests too. */
export function createRcaWebServer(deps: RcaWebDeps) {
  const app = createRcaWebApp(deps);
  let server: Server | undefined;
  return {
    app,
    /** Listens and returns the local URL. */
    async listen(port: number, host = '0.0.0.0'): Promise<string> {
      // The global Request/Response stay Node's own: the slack role shares this process.
      const created = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server; // HTTP/1
      server = created;
      await new Promise<void>((resolve, reject) => {
        created.once('error', reject);
        created.listen(port, host, () => resolve());
      });
      const address = created.address() as AddressInfo; // a TCP listener always has AddressInfo
      return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
    },
    async close(): Promise<void> {
      const running = server;
      if (!running) return;
      server = undefined;
      running.closeAllConnections();
      await new Promise<void>((resolve) => running.close(() => resolve()));
    },
  };
}

export type RcaWebServer = ReturnType<typeof createRcaWebServer>;
