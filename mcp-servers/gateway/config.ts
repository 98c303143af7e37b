import { z } from 'zod';
import { oauthConfigSchema, type OAuthConfig } from './oauth-config.js';

/** Instance names end up in tool names (`instance__tool`), so they follow the MCP name alphabet. */
export const INSTANCE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** Where an upstream's bearer token comes from: an environment variable or a file (Kubernetes secret mount). */
const authSchema = z
  .strictObject({
    bearerTokenEnv: z.string().min(1).optional().describe('environment variable of the gateway holding the token'),
    bearerTokenFile: z.string().min(1).optional().describe('file holding the token (trailing newline ignored)'),
    childEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
      .optional()
      .describe('stdio upstreams: the child environment variable that receives the token'),
  })
  .refine((auth) => (auth.bearerTokenEnv === undefined) !== (auth.bearerTokenFile === undefined), {
    message: 'give exactly one of bearerTokenEnv or bearerTokenFile',
  });

const labelsSchema = z.record(
  z.string().regex(/^[A-Za-z0-9._/-]{1,63}$/, 'label keys use letters, digits, . _ / -'),
  z.string().max(128),
);

/** One upstream MCP server: an instance of a kind, reached over streamable HTTP or stdio. */
export const upstreamSchema = z
  .strictObject({
    kind: z.enum(['argocd', 'kubernetes', 'kyverno', 'other']),
    instance: z.string().regex(INSTANCE_NAME, 'instance names use 1-64 letters, digits, . _ -'),
    url: z.url({ protocol: /^https?$/ }).optional(),
    command: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
    /** Non-secret environment for stdio children (secrets go through `auth`). */
    env: z.record(z.string(), z.string()).default({}),
    auth: authSchema.optional(),
    labels: labelsSchema.default({}),
    timeoutMs: z.number().int().positive().max(600_000).optional(),
    /** Tools of this upstream to treat as read-only although they carry no `readOnlyHint` (glob patterns). */
    readOnlyTools: z.array(z.string().min(1)).default([]),
    /** Arguments callers may never pass to this upstream (removed from schemas, calls rejected), e.g. a backend URL. */
    blockedArguments: z.array(z.string().min(1)).default([]),
  })
  .refine((upstream) => (upstream.url === undefined) !== (upstream.command === undefined), {
    message: 'give exactly one of url (streamable HTTP) or command (stdio)',
  })
  .refine((upstream) => upstream.url === undefined || upstream.auth?.childEnv === undefined, {
    message: 'auth.childEnv applies to stdio upstreams only',
    path: ['auth', 'childEnv'],
  })
  .refine(
    (upstream) => upstream.command === undefined || upstream.auth === undefined || upstream.auth.childEnv !== undefined,
    {
      message: 'stdio upstreams pass their token to the child: set auth.childEnv (e.g. ARGOCD_API_TOKEN)',
      path: ['auth', 'childEnv'],
    },
  );

/** One caller of the gateway (the bot, a developer's IDE, a channel) and what it may do. */
export const callerSchema = z.strictObject({
  principal: z.string().min(1).max(128),
  /**
   * Hex SHA-256 of the caller's bearer token; the token itself never appears in config. Omitted:
   * the caller is reached only through an `oauth.rules` entry.
   */
  tokenSha256: z
    .string({ error: 'must be a string of 64 hex digits (quote it: YAML reads unquoted digits as a number)' })
    .regex(/^[0-9a-fA-F]{64}$/, 'must be the 64-hex-digit SHA-256 of the token (printf %s "$TOKEN" | sha256sum)')
    .transform((hex) => hex.toLowerCase())
    .optional(),
  allow: z
    .strictObject({
      /** Instance names (globs with `*`) or label selectors `key=value[,key=value]`; omitted = every instance. */
      instances: z.array(z.string().min(1)).optional(),
      /** Gateway tool names (globs with `*`, e.g. `list_*`, `argocd-mcp__*`); omitted = every tool. */
      tools: z.array(z.string().min(1)).optional(),
    })
    .default({}),
  /** May call write tools (each call still needs an approved `approval_id`). */
  writes: z.boolean().default(false),
});

/** Every caller has a token or an OAuth rule, every rule names a caller, and principals are unique. */
function checkCallerReachability(
  config: { callers: Array<z.output<typeof callerSchema>>; oauth?: OAuthConfig | undefined },
  ctx: z.RefinementCtx,
): void {
  const principals = new Map<string, number>();
  config.callers.forEach((caller, index) => {
    const first = principals.get(caller.principal);
    if (first !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['callers', index, 'principal'],
        message: `principal '${caller.principal}' is also callers[${first}]: principals must be unique`,
      });
    else principals.set(caller.principal, index);
  });
  const ruled = new Set(config.oauth?.rules.map((rule) => rule.principal) ?? []);
  config.callers.forEach((caller, index) => {
    if (caller.tokenSha256 === undefined && !ruled.has(caller.principal))
      ctx.addIssue({
        code: 'custom',
        path: ['callers', index, 'tokenSha256'],
        message: `caller '${caller.principal}' has no tokenSha256 and no oauth.rules entry: nothing could reach it`,
      });
  });
  config.oauth?.rules.forEach((rule, index) => {
    if (!principals.has(rule.principal))
      ctx.addIssue({
        code: 'custom',
        path: ['oauth', 'rules', index, 'principal'],
        message: `no caller has principal '${rule.principal}' (declare it under callers)`,
      });
  });
}

/** How an instance-less call of a federated read tool is answered. */
export const fanOutModeSchema = z.enum(['merge', 'resolve', 'none']);

/** The whole gateway configuration file. */
export const gatewayConfigSchema = z
  .strictObject({
    listen: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535).default(8090),
      })
      .default({ host: '127.0.0.1', port: 8090 }),
    timeouts: z
      .strictObject({
        /** Per upstream call, retries included (a dead instance costs a fan-out no more than this). */
        callMs: z.number().int().positive().max(600_000).default(10_000),
        /** Connecting (initialize) to an upstream. */
        connectMs: z.number().int().positive().max(600_000).default(5_000),
        /** One health check. */
        healthCheckMs: z.number().int().positive().max(600_000).default(3_000),
        /** How long a stdio upstream may take to answer for the first time (connect and health check). */
        stdioStartupGraceMs: z.number().int().min(0).max(600_000).default(30_000),
      })
      .default({ callMs: 10_000, connectMs: 5_000, healthCheckMs: 3_000, stdioStartupGraceMs: 30_000 }),
    healthCheck: z
      .strictObject({
        intervalMs: z.number().int().min(0).default(15_000).describe('0 turns periodic checks off'),
      })
      .default({ intervalMs: 15_000 }),
    circuitBreaker: z
      .strictObject({
        failureThreshold: z.number().int().positive().default(3),
        cooldownMs: z.number().int().positive().default(30_000),
      })
      .default({ failureThreshold: 3, cooldownMs: 30_000 }),
    retry: z
      .strictObject({
        /** Extra attempts for read-only calls on retryable failures; writes are never retried. */
        retries: z.number().int().min(0).max(5).default(1),
        minDelayMs: z.number().int().min(0).default(50),
      })
      .default({ retries: 1, minDelayMs: 50 }),
    limits: z
      .strictObject({
        maxArgumentBytes: z
          .number()
          .int()
          .positive()
          .default(64 * 1024),
        /** Deepest nesting of objects and arrays in call arguments. */
        maxArgumentDepth: z.number().int().positive().max(256).default(32),
        /** Instances at most called at once by one fan-out. */
        maxFanOutConcurrency: z.number().int().positive().default(64),
        /** Instances at most called by one fan-out; a wider one is refused (name the instance). */
        maxFanOutInstances: z.number().int().positive().default(100),
        /** tools/call requests per caller and minute (0: no limit). */
        callsPerMinute: z.number().int().min(0).default(1200),
        /** Largest answer read from one upstream (a bigger one is refused, not buffered). */
        maxResponseBytes: z
          .number()
          .int()
          .positive()
          .default(16 * 1024 * 1024),
      })
      .default({
        maxArgumentBytes: 64 * 1024,
        maxArgumentDepth: 32,
        maxFanOutConcurrency: 64,
        maxFanOutInstances: 100,
        callsPerMinute: 1200,
        maxResponseBytes: 16 * 1024 * 1024,
      }),
    /** Per-tool override of the fan-out rule (see tool-routing.ts). */
    fanOut: z.record(z.string(), fanOutModeSchema).default({}),
    upstreams: z.array(upstreamSchema).min(1, 'declare at least one upstream'),
    callers: z.array(callerSchema).min(1, 'declare at least one caller'),
    /** OAuth 2.1 bearer JWTs from one issuer, mapped to callers by scope and claim rules. */
    oauth: oauthConfigSchema.optional(),
    /**
     * `/metrics` lists upstream names and call rates: with `tokenSha256` set, it answers only a
     * bearer token with that SHA-256 (`printf %s "$TOKEN" | sha256sum`), e.g. Prometheus's.
     */
    metrics: z
      .strictObject({
        tokenSha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/, 'must be the lowercase hex SHA-256 of the token')
          .optional(),
      })
      .default({}),
  })
  .superRefine((config, ctx) => {
    checkCallerReachability(config, ctx);
    const seen = new Map<string, number>();
    config.upstreams.forEach((upstream, index) => {
      const key = `${upstream.kind}/${upstream.instance}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['upstreams', index, 'instance'],
          message: `duplicate ${upstream.kind} instance '${upstream.instance}' (also upstreams[${first}])`,
        });
      } else seen.set(key, index);
    });
    const tokens = new Map<string, number>();
    config.callers.forEach((caller, index) => {
      if (caller.tokenSha256 === undefined) return;
      const first = tokens.get(caller.tokenSha256);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['callers', index, 'tokenSha256'],
          message: `same token as callers[${first}]: every caller needs its own token`,
        });
      } else tokens.set(caller.tokenSha256, index);
    });
  });

/**
 * Key of an upstream: instance names are unique per kind (`kubernetes/prod-eu` and `kyverno/prod-eu` are one cluster).
 */
export function upstreamKey(kind: string, instance: string): string {
  return `${kind}/${instance}`;
}

export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
export type UpstreamConfig = z.output<typeof upstreamSchema>;
export type CallerConfig = z.output<typeof callerSchema>;
export type FanOutMode = z.output<typeof fanOutModeSchema>;
export type UpstreamKind = UpstreamConfig['kind'];

/** An upstream with its credential resolved (held in memory only, never logged). */
export interface ResolvedUpstream extends UpstreamConfig {
  token?: string;
}

/** The validated configuration the gateway runs on. */
export interface GatewayConfig extends Omit<z.output<typeof gatewayConfigSchema>, 'upstreams'> {
  upstreams: ResolvedUpstream[];
}
