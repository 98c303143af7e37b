/**
 * The backend-health resource of our MCP servers. `tools/list` only proves the MCP server process
 * is up; a server whose Argo CD or Kubernetes API is gone still lists its tools. Reading this
 * resource makes the server call its backend (`/api/version`, `/version`) right now, so a health
 * check (the gateway's) can tell "MCP server up, backend down" from "all up". Exposed as an MCP
 * resource, not a tool, so it never lands in a model's tool list.
 */
export const BACKEND_HEALTH_URI = 'sre-bot://backend-health';

/** MCP's JSON-RPC error code for a resource the server does not have. */
export const RESOURCE_NOT_FOUND = -32002;

/** What a server reports when its backend answered. */
export interface BackendHealth {
  reachable: true;
  /** `argocd` or `kubernetes`. */
  backend: string;
  /** e.g. `Argo CD v3.5.1 at argocd.example.com`. */
  detail: string;
  latencyMs: number;
}

/** A server's way of calling its backend once; throws (an McpServerError) when it cannot. */
export interface BackendProbe {
  backend: string;
  /** Resolves with a one-line description of what answered. */
  check: () => Promise<string>;
}
