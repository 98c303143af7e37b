/** Phrasers for scheduling, storage, probes and Service connectivity messages. */
import type { CausePhraser } from './phraser.js';

/** `0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: …`. */
const NODES_AVAILABLE = /^0\/(\d+) nodes are available: (.*?)(?:\.\s*preemption:.*)?\.?$/is;

/** One scheduler reason (`3 node(s) had untolerated taint {gpu: true}`) as the words of a cause. */
function schedulingReason(reason: string): string {
  const counted = /^(\d+)\s+(?:node\(s\)\s+)?(.*)$/i.exec(reason.trim());
  const nodes = counted?.[1] ?? '';
  const what = (counted?.[2] ?? reason).trim();
  const on = nodes ? ` (${nodes} node(s))` : '';
  if (/didn't match Pod's node affinity\/selector/i.test(what))
    return `no node carries the labels its nodeSelector or node affinity asks for${on}`;
  const insufficient = /^Insufficient (\S+)/i.exec(what);
  if (insufficient)
    return `no node has room for its ${insufficient[1] ?? ''} requests: Insufficient ${insufficient[1] ?? ''}${on}`;
  const taint = /had untolerated taint (\{[^}]*\})/i.exec(what);
  if (taint) return `it tolerates no taint the nodes carry: untolerated taint ${taint[1] ?? ''}${on}`;
  if (/volume node affinity conflict/i.test(what))
    return `its volumes are pinned to zones none of the free nodes are in: volume node affinity conflict${on}`;
  if (/unbound immediate PersistentVolumeClaims/i.test(what)) return 'its PersistentVolumeClaims are not bound';
  return `${what}${on}`;
}

/** FailedScheduling: why no node takes the pod, reason by reason. */
const phraseScheduling: CausePhraser = (message) => {
  const match = NODES_AVAILABLE.exec(message.trim());
  if (!match) return undefined;
  const reasons = (match[2] ?? '').split(/,\s+(?=\d+\s)/).map(schedulingReason);
  return `the pod cannot be scheduled on any of the ${match[1] ?? ''} nodes: ${reasons.join('; ')}`;
};

/** ProvisioningFailed and friends: `storageclass.storage.k8s.io "gp3" not found`. */
const phraseStorageClass: CausePhraser = (message) => {
  const match = /storageclass\.storage\.k8s\.io "([^"]+)" not found/i.exec(message);
  if (!match) return undefined;
  const name = match[1] ?? '';
  return `the claim asks for StorageClass ${name}, which does not exist in the cluster (storageclass not found)`;
};

/**
 * The kubelet's probe failures: `Readiness probe failed: Get "http://10.0.0.1:9091/ready": dial
 * tcp 10.0.0.1:9091: connect: connection refused`. The probe kind is kept in Kubernetes' words
 * (people search for them); the rest says what the failure means.
 */
const phraseProbe: CausePhraser = (message) => {
  const match = /^(Liveness|Readiness|Startup) probe failed: (.*)$/is.exec(message.trim());
  if (!match) return undefined;
  const probe = `${match[1] ?? ''} probe failed`;
  const detail = match[2] ?? '';
  const target = /"(https?:\/\/[^"]+)"/.exec(detail)?.[1];
  const port = /:(\d+)(?:\/|$)/.exec(target ?? '')?.[1] ?? /dial tcp [^\s:]+:(\d+)/.exec(detail)?.[1];
  const path = target ? /^https?:\/\/[^/]+(\/[^?\s]*)?/.exec(target)?.[1] : undefined;
  const checked = port ? ` on port ${port}${path && path !== '/' ? ` (${path})` : ''}` : '';
  if (/connection refused/i.test(detail))
    return `${probe}: nothing listens on ${port ? `port ${port}` : 'the probed port'} of the pod (connection refused)`;
  if (/context deadline exceeded|Client\.Timeout|timeout/i.test(detail))
    return (
      `${probe}: the container did not answer${checked} within the probe's timeoutSeconds ` +
      `(${timeoutWords(detail)})`
    );
  const status = /statuscode: (\d+)/i.exec(detail)?.[1];
  if (status) return `${probe}: the health endpoint${checked} answers HTTP ${status}`;
  return `${probe}: ${detail.replace(/\s+/g, ' ').trim()}`;
};

function timeoutWords(detail: string): string {
  return /context deadline exceeded/i.test(detail) ? 'context deadline exceeded' : 'timeout';
}

/** Go's dialer and resolver in an app's log: `Get "http://x.ns.svc.cluster.local/": dial tcp: lookup x …: no such host`. */
const phraseConnection: CausePhraser = (message) => {
  const url = /"(https?:\/\/[^"]+)"/.exec(message)?.[1];
  const host = url ? /^https?:\/\/([^/:]+)/.exec(url)?.[1] : undefined;
  const lookup = /lookup ([a-z0-9][a-z0-9.-]*)(?: on \S+)?: no such host/i.exec(message);
  if (lookup) return `the hostname ${lookup[1] ?? ''} the app calls resolves to no Service (no such host)`;
  if (/i\/o timeout/i.test(message) && /dial tcp/i.test(message))
    return `calls to ${host ?? 'a dependency'} time out before a connection opens (dial tcp: i/o timeout)`;
  const refused = /dial tcp ([^\s]+): connect: connection refused/i.exec(message);
  if (refused && host) return `calls to ${host} are refused: nothing listens behind it (connection refused)`;
  return undefined;
};

/**
 * The API server's refusal to change a bound claim: `PersistentVolumeClaim "x" is invalid: spec:
 * Forbidden: spec is immutable after creation …` with the diff it prints (`- StorageClassName:
 * &"standard", + StorageClassName: &"gp3"`).
 */
const phraseImmutableClaim: CausePhraser = (message) => {
  const match = /PersistentVolumeClaim "([^"]+)" is invalid: spec: Forbidden: spec is immutable/i.exec(message);
  if (!match) return undefined;
  const changes = claimChanges(message);
  const what = changes.map((change) => `${change.field} ${change.from} cannot become ${change.to}`).join('; ');
  return (
    `the API server refuses the change to PersistentVolumeClaim ${match[1] ?? ''}` +
    `${what ? ` (${what})` : ''}: a bound claim's spec is immutable after creation`
  );
};

/** The fields the API server's diff shows changed on a claim: `- \tStorageClassName: &"a",` / `+ …: &"b",`. */
export function claimChanges(message: string): Array<{ field: string; from: string; to: string }> {
  const value = (raw: string) => raw.replace(/^&?"?|"?,?$/g, '');
  const removed = new Map<string, string>();
  const changes: Array<{ field: string; from: string; to: string }> = [];
  for (const match of message.matchAll(/([-+])\s+([A-Z][A-Za-z]+): (\S+)/g)) {
    const [, sign, goName = '', raw = ''] = match;
    const field = goName.charAt(0).toLowerCase() + goName.slice(1);
    if (sign === '-') removed.set(field, value(raw));
    else if (removed.has(field)) changes.push({ field, from: removed.get(field) ?? '', to: value(raw) });
  }
  return changes;
}

export const SCHEDULING_PHRASERS: readonly CausePhraser[] = [
  phraseImmutableClaim,
  phraseScheduling,
  phraseStorageClass,
  phraseProbe,
  phraseConnection,
];
