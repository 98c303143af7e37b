import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import { errorMessage } from '../errors.js';
import type { AlertMetrics } from '../telemetry/alert-metrics.js';
import type { Logger } from '../telemetry/logger.js';
import type { IncomingAlert } from './alert.js';
import type { AlertIntake } from './alert-intake.js';
import { alertmanagerPayloadSchema, alertsFromAlertmanager } from './alertmanager-webhook.js';
import { alertFromPagerduty, isPagerdutySignatureValid, pagerdutyPayloadSchema } from './pagerduty-webhook.js';

/** Who may deliver: Alertmanager by bearer token or basic auth, PagerDuty by signing secret. */
export interface AlertReceiverAuth {
  alertmanagerToken?: string;
  /** `user:password`, as in Alertmanager's `http_config.basic_auth`. */
  alertmanagerBasicAuth?: string;
  /** Signing secrets of the PagerDuty webhook subscriptions (several while one rotates). */
  pagerdutySecrets: readonly string[];
}

export interface AlertReceiverOptions {
  intake: AlertIntake;
  auth: AlertReceiverAuth;
  logger: Logger;
  maxBodyBytes?: number;
  /** Counts deliveries and alerts for the role's /metrics. */
  metrics?: AlertMetrics;
}

/** A listening receiver. */
export interface AlertReceiver {
  url: string;
  close(): Promise<void>;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function sameSecret(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function checkAlertmanagerAuth(header: string | undefined, auth: AlertReceiverAuth): void {
  const challenge = { 'www-authenticate': auth.alertmanagerToken ? 'Bearer' : 'Basic realm="sre-bot alerts"' };
  const [scheme = '', credential = ''] = (header ?? '').split(/\s+/, 2);
  const isBearer = /^bearer$/i.test(scheme) && auth.alertmanagerToken !== undefined;
  const isBasic = /^basic$/i.test(scheme) && auth.alertmanagerBasicAuth !== undefined;
  const ok =
    (isBearer && sameSecret(credential, auth.alertmanagerToken ?? '')) ||
    (isBasic && sameSecret(Buffer.from(credential, 'base64').toString('utf8'), auth.alertmanagerBasicAuth ?? ''));
  if (!ok) throw new HttpProblem(401, 'missing or wrong credentials for the Alertmanager receiver', challenge);
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpProblem(413, `request body exceeds ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.once('error', reject);
    req.once('end', () => resolve(Buffer.concat(chunks)));
  });
}

function parseJson<S extends z.ZodType>(raw: Buffer, schema: S, what: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new HttpProblem(400, `body is not JSON: ${errorMessage(error)}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    throw new HttpProblem(400, `not a ${what}: ${problems.slice(0, 10).join('; ')}`);
  }
  return parsed.data;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/**
 * The HTTP receiver of alert webhooks: `POST /alerts/alertmanager` (payload version 4, bearer or
 * basic auth) and `POST /alerts/pagerduty` (Webhooks v3, `X-PagerDuty-Signature` checked over
 * the raw body). It only authenticates, validates and hands the alerts to the intake, answering
 * 200 once they are stored and enqueued; 4xx names what is wrong, 503 asks the sender to retry.
 */
export async function startAlertReceiver(
  options: AlertReceiverOptions,
  listen: { host: string; port: number },
): Promise<AlertReceiver> {
  const { auth, intake, logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const hasAlertmanager = auth.alertmanagerToken !== undefined || auth.alertmanagerBasicAuth !== undefined;

  async function alertsOf(req: IncomingMessage, path: string): Promise<IncomingAlert[] | { ignored: string }> {
    if (path === '/alerts/alertmanager') {
      if (!hasAlertmanager) throw new HttpProblem(404, 'the Alertmanager receiver is not configured');
      checkAlertmanagerAuth(req.headers.authorization, auth);
      return alertsFromAlertmanager(
        parseJson(await readBody(req, maxBodyBytes), alertmanagerPayloadSchema, 'v4 Alertmanager webhook payload'),
      );
    }
    if (auth.pagerdutySecrets.length === 0) throw new HttpProblem(404, 'the PagerDuty receiver is not configured');
    const raw = await readBody(req, maxBodyBytes);
    const signature = req.headers['x-pagerduty-signature'];
    if (!isPagerdutySignatureValid(raw, typeof signature === 'string' ? signature : undefined, auth.pagerdutySecrets))
      throw new HttpProblem(401, 'X-PagerDuty-Signature is missing or does not match the signing secret');
    const payload = parseJson(raw, pagerdutyPayloadSchema, 'PagerDuty v3 webhook event');
    const alert = alertFromPagerduty(payload);
    return alert ? [alert] : { ignored: payload.event.event_type };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/healthz') return send(res, 200, { status: 'ok' });
    if (path !== '/alerts/alertmanager' && path !== '/alerts/pagerduty')
      return send(res, 404, { error: 'not found: POST /alerts/alertmanager or /alerts/pagerduty' });
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' }, { allow: 'POST' });
    const source = path === '/alerts/alertmanager' ? 'alertmanager' : 'pagerduty';
    try {
      const alerts = await alertsOf(req, path);
      if (!Array.isArray(alerts)) {
        options.metrics?.delivery(source, 'ignored');
        return send(res, 202, { ignored: alerts.ignored });
      }
      const receipts = await intake.receive(alerts);
      options.metrics?.delivery(source, 'accepted');
      for (const receipt of receipts) options.metrics?.alert(source, receipt.action);
      send(res, 200, { received: receipts.length, alerts: receipts });
    } catch (error) {
      const status = error instanceof HttpProblem ? error.status : 503;
      options.metrics?.delivery(source, status === 401 ? 'unauthorized' : status < 500 ? 'invalid' : 'failed');
      throw error;
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpProblem) {
        logger.info({ event: 'alert-rejected', status: error.status, reason: error.message }, 'alert delivery refused');
        return send(res, error.status, { error: error.message }, error.headers);
      }
      logger.error({ event: 'alert-intake-failed', err: error }, 'alert could not be stored or enqueued');
      return send(res, 503, { error: 'the alert could not be stored or queued; deliver it again' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${listen.host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
