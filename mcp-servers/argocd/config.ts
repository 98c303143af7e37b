import { z } from 'zod';
import { authTokenVariable, integerVariable, logLevelVariable, parseServerEnv, type Env } from '../common/parse-env.js';

const schema = z.object({
  ARGOCD_URL: z.string().refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL of the Argo CD API server'),
  ARGOCD_TOKEN: z.string().min(1),
  ARGOCD_REQUEST_TIMEOUT_MS: integerVariable(15_000),
  MCP_AUTH_TOKEN: authTokenVariable,
  LOG_LEVEL: logLevelVariable,
});

/** Configuration of the argocd MCP server: one Argo CD instance (by env only) and how to serve. */
export interface ArgocdServerConfig {
  url: string;
  token: string;
  requestTimeoutMs: number;
  authToken?: string;
  logLevel: string;
}

/**
 * Reads ARGOCD_URL, ARGOCD_TOKEN, ARGOCD_REQUEST_TIMEOUT_MS, MCP_AUTH_TOKEN and LOG_LEVEL; reports every bad one at
 * once.
 */
export function loadConfig(env: Env): Readonly<ArgocdServerConfig> {
  const parsed = parseServerEnv(schema, env, 'argocd');
  return Object.freeze({
    url: parsed.ARGOCD_URL,
    token: parsed.ARGOCD_TOKEN,
    requestTimeoutMs: parsed.ARGOCD_REQUEST_TIMEOUT_MS,
    ...(parsed.MCP_AUTH_TOKEN ? { authToken: parsed.MCP_AUTH_TOKEN } : {}),
    logLevel: parsed.LOG_LEVEL,
  });
}
