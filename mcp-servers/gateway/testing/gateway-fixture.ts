import { Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { pino } from 'pino';
import type { AuditEvent } from '../audit.js';
import { sha256Hex } from '../caller-policy.js';
import type { GatewayConfigInput } from '../config.js';
import { createGateway, type Gateway, type GatewayDeps } from '../gateway.js';
import type { Logger } from '../logger.js';
import { parseGatewayConfig } from '../load-config.js';

/** Captures everything a pino logger writes, for asserting on log content. */
export function createCapturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

/** A gateway started from a literal config plus the audit events and log lines it produced. */
export interface StartedGateway {
  gateway: Gateway;
  url: string;
  audit: AuditEvent[];
  logLines: string[];
  connect: (token: string) => Promise<Client>;
  close: () => Promise<void>;
}

/** Starts a gateway on 127.0.0.1:0 from a config object whose secrets come from `env`. */
export async function startTestGateway(
  raw: GatewayConfigInput,
  env: Record<string, string>,
  deps: GatewayDeps = {},
): Promise<StartedGateway> {
  const config = parseGatewayConfig(raw, { env, baseDir: process.cwd() });
  const audit: AuditEvent[] = [];
  const { logger, lines } = createCapturingLogger();
  const gateway = createGateway(config, { auditSink: { record: (event) => void audit.push(event) }, logger, ...deps });
  const { url } = await gateway.listen(0, '127.0.0.1');
  const clients: Client[] = [];
  return {
    gateway,
    url,
    audit,
    logLines: lines,
    connect: async (token) => {
      const client = new Client({ name: 'gateway-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(url), {
          requestInit: { headers: { authorization: `Bearer ${token}` } },
        }),
      );
      clients.push(client);
      return client;
    },
    close: async () => {
      await Promise.all(clients.map((client) => client.close()));
      await gateway.close();
    },
  };
}

/** `tokenSha256` for a test token. */
export const hashOf = sha256Hex;
