import { randomBytes } from 'node:crypto';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { createArgocdDeps, createArgocdServer } from '../../mcp-servers/argocd/server.js';
import { startHttpTransport, type RunningHttpServer } from '../../mcp-servers/common/http-transport.js';
import { createSilentServerLogger, type Logger as ServerLogger } from '../../mcp-servers/common/logger.js';
import { createKubernetesDeps, createKubernetesServer } from '../../mcp-servers/kubernetes/server.js';
import { createKyvernoDeps, createKyvernoServer } from '../../mcp-servers/kyverno/server.js';
import { listMcpTools } from '../../mcp-servers/tool-names.js';
import {
  createGateway,
  parseGatewayConfig,
  sha256Hex,
  type ApprovalChecker,
  type AuditSink,
  type Gateway,
  type GatewayConfigInput,
} from '../../mcp-servers/gateway/index.js';
import type { Logger as GatewayLogger } from '../../mcp-servers/gateway/logger.js';
import type { RunningSandbox } from './start-sandbox.js';

type UpstreamInput = GatewayConfigInput['upstreams'][number];
type CallerInput = GatewayConfigInput['callers'][number];

/** Options of `startGatewayOverSandbox`; every field has a default fit for tests and the demo. */
export interface GatewayOverSandboxOptions {
  /** Gateway port (default 0: a free port). */
  port?: number;
  host?: string;
  /** Per-upstream call timeout of the gateway, also used as the servers' backend timeout (default 5000). */
  callTimeoutMs?: number;
  /** Health-check interval (default 5000; 0 turns periodic checks off). */
  healthCheckIntervalMs?: number;
  /** Let the MCP servers offer write tools (the gateway still demands approvals). */
  enableWrites?: boolean;
  /** Extra upstreams (e.g. a third-party server as an `other` upstream) and the env their tokens come from. */
  extraUpstreams?: UpstreamInput[];
  extraEnv?: Record<string, string>;
  /** Extra callers besides the default read-everything caller. */
  extraCallers?: CallerInput[];
  /** Config sections to override (circuitBreaker, retry, limits, fanOut, ...). */
  overrides?: Partial<Omit<GatewayConfigInput, 'upstreams' | 'callers'>>;
  approvalChecker?: ApprovalChecker;
  auditSink?: AuditSink;
  logger?: GatewayLogger;
  serverLogger?: ServerLogger;
}

/** One MCP server started for a sandbox upstream. */
export interface SandboxUpstream {
  kind: 'argocd' | 'kubernetes' | 'kyverno';
  instance: string;
  url: string;
  token: string;
}

/** The gateway over a sandbox: its URL and a caller token that may read everything. */
export interface SandboxGateway {
  gateway: { url: string; token: string };
  upstreams: SandboxUpstream[];
  instance: Gateway;
  close: () => Promise<void>;
}

function secret(): string {
  return randomBytes(24).toString('base64url');
}

function envName(kind: string, instance: string): string {
  return `UPSTREAM_${kind}_${instance}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

/**
 * Starts one MCP server per sandbox upstream — argocd per Argo CD instance, kubernetes and kyverno
 * per cluster (kubeconfig context = cluster name) — in-process on 127.0.0.1:0 with their own
 * bearer tokens, and the gateway in front of them. Kubernetes and Kyverno instances are named
 * after their cluster. Returns the gateway URL and the token of a caller (`sandbox-reader`)
 * allowed to read everything; close() stops the gateway, then the servers (not the sandbox).
 */
export async function startGatewayOverSandbox(
  sandbox: Pick<RunningSandbox, 'argocd' | 'clusters' | 'kubeconfigPath'>,
  options: GatewayOverSandboxOptions = {},
): Promise<SandboxGateway> {
  const callTimeoutMs = options.callTimeoutMs ?? 5000;
  const serverLogger = options.serverLogger ?? createSilentServerLogger();
  const enableWrites = options.enableWrites ?? false;
  const running: RunningHttpServer[] = [];
  let gateway: Gateway | undefined;
  const close = async (): Promise<void> => {
    await gateway?.close();
    await Promise.all(running.splice(0).map((server) => server.close()));
  };

  try {
    const serve = async (
      kind: SandboxUpstream['kind'],
      instance: string,
      createServer: () => Server,
    ): Promise<SandboxUpstream> => {
      const token = secret();
      const server = await startHttpTransport({ createServer, authToken: token, port: 0, logger: serverLogger });
      running.push(server);
      return { kind, instance, url: server.url, token };
    };
    const upstreams: SandboxUpstream[] = [];
    for (const endpoint of sandbox.argocd) {
      const config = { url: endpoint.url, token: endpoint.token, requestTimeoutMs: callTimeoutMs, logLevel: 'silent' };
      const deps = createArgocdDeps(config);
      upstreams.push(
        await serve('argocd', endpoint.name, () =>
          createArgocdServer(config, { ...deps, enableWrites, logger: serverLogger }),
        ),
      );
    }
    for (const cluster of sandbox.clusters) {
      const config = {
        kubeconfigPath: sandbox.kubeconfigPath,
        context: cluster.name,
        requestTimeoutMs: callTimeoutMs,
        logLevel: 'silent',
      };
      const kubeDeps = createKubernetesDeps(config);
      upstreams.push(
        await serve('kubernetes', cluster.name, () =>
          createKubernetesServer(config, { ...kubeDeps, enableWrites, logger: serverLogger }),
        ),
      );
      const kyvernoDeps = createKyvernoDeps(config);
      upstreams.push(
        await serve('kyverno', cluster.name, () =>
          createKyvernoServer(config, { ...kyvernoDeps, logger: serverLogger }),
        ),
      );
    }

    const readerToken = secret();
    const env: Record<string, string> = { ...options.extraEnv };
    for (const upstream of upstreams) env[envName(upstream.kind, upstream.instance)] = upstream.token;
    const raw: GatewayConfigInput = {
      circuitBreaker: { failureThreshold: 2, cooldownMs: 10_000 },
      ...options.overrides,
      timeouts: { callMs: callTimeoutMs, connectMs: 5000, healthCheckMs: 3000, ...options.overrides?.timeouts },
      healthCheck: { intervalMs: options.healthCheckIntervalMs ?? 5000 },
      upstreams: [
        ...upstreams.map((upstream): UpstreamInput => ({
          kind: upstream.kind,
          instance: upstream.instance,
          url: upstream.url,
          auth: { bearerTokenEnv: envName(upstream.kind, upstream.instance) },
          labels:
            upstream.kind === 'argocd'
              ? { env: 'sandbox' }
              : ({ env: 'sandbox', cluster: upstream.instance } as Record<string, string>),
        })),
        ...(options.extraUpstreams ?? []),
      ],
      callers: [
        { principal: 'sandbox-reader', tokenSha256: sha256Hex(readerToken), writes: false },
        ...(options.extraCallers ?? []),
      ],
    };
    const config = parseGatewayConfig(raw, { env, baseDir: process.cwd() });
    gateway = createGateway(config, {
      knownWriteTools: listMcpTools()
        .filter((tool) => tool.isWrite)
        .map((tool) => tool.name),
      ...(options.approvalChecker ? { approvalChecker: options.approvalChecker } : {}),
      ...(options.auditSink ? { auditSink: options.auditSink } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    const { url } = await gateway.listen(options.port ?? 0, options.host ?? '127.0.0.1');
    return { gateway: { url, token: readerToken }, upstreams, instance: gateway, close };
  } catch (error) {
    await close();
    throw error;
  }
}
