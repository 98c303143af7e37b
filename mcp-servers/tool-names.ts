import { argocdTools } from './argocd/tools/index.js';
import { kubernetesTools } from './kubernetes/tools/index.js';
import { kyvernoTools } from './kyverno/tools/index.js';

/** The MCP servers of this repository. */
export type McpServerName = 'kubernetes' | 'argocd' | 'kyverno';

/** One tool offered by one of our MCP servers. */
export interface McpToolInfo {
  server: McpServerName;
  name: string;
  isWrite: boolean;
}

/**
 * Every tool our MCP servers can offer (writes included), read from the tool definition lists the
 * servers register, so skill linting and the gateway never drift from what is served.
 */
export function listMcpTools(): McpToolInfo[] {
  const byServer: Array<[McpServerName, ReadonlyArray<{ name: string; isWrite: boolean }>]> = [
    ['kubernetes', kubernetesTools],
    ['argocd', argocdTools],
    ['kyverno', kyvernoTools],
  ];
  return byServer.flatMap(([server, tools]) =>
    tools.map((tool) => ({ server, name: tool.name, isWrite: tool.isWrite })),
  );
}

/** The names of every tool our MCP servers can offer, sorted, without duplicates. */
export function listMcpToolNames(): string[] {
  return [...new Set(listMcpTools().map((tool) => tool.name))].sort();
}
