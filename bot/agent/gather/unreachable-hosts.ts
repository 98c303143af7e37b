/**
 * Hosts a crashing or erroring process failed to reach, read from its log lines. These are the
 * application's own words carried as data (Go's resolver and dialer messages), not a server's.
 */
export function unreachableHosts(lines: readonly string[]): string[] {
  const text = lines.join('\n');
  const hosts = new Set<string>();
  const patterns = [
    /lookup ([a-z0-9][a-z0-9.-]*)(?: on \S+)?: no such host/gi,
    /dial tcp ([a-z][a-z0-9.-]*):\d+: connect: connection refused/gi,
    /(?:connect|connection) to ([a-z][a-z0-9.-]*)(?::\d+)? (?:refused|failed)/gi,
    // Go's net/http names the URL before the dialled IP:
    // Get "http://cart.shop.svc.cluster.local:80/": dial tcp 10.1.2.3:80: …
    /"https?:\/\/([a-z][a-z0-9.-]*)(?::\d+)?[^"]*": dial tcp [^\s]+: connect: connection refused/gi,
    // A dial that never connects: something (a NetworkPolicy) drops the packets.
    /"https?:\/\/([a-z][a-z0-9.-]*)(?::\d+)?[^"]*": dial tcp [^\s]+: i\/o timeout/gi,
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) if (match[1]) hosts.add(match[1]);
  return [...hosts];
}

/** `payments-api.shop.svc.cluster.local` -> service payments-api in namespace shop. */
export function serviceOfHost(
  host: string,
  defaultNamespace: string | undefined,
): { name: string; namespace: string } | undefined {
  const [name, namespace] = host.split('.');
  if (!name) return undefined;
  const resolvedNamespace = namespace && namespace !== 'svc' ? namespace : defaultNamespace;
  return resolvedNamespace ? { name, namespace: resolvedNamespace } : undefined;
}

/** Hosts whose name did not resolve (`lookup x: no such host`), from a process's log lines. */
export function unresolvedHosts(lines: readonly string[]): string[] {
  const hosts = new Set<string>();
  for (const match of lines.join('\n').matchAll(/lookup ([a-z0-9][a-z0-9.-]*)(?: on \S+)?: no such host/gi))
    if (match[1]) hosts.add(match[1]);
  return [...hosts];
}
