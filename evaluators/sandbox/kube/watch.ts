/**
 * Watch: a chunked stream of `{"type": ..., "object": ...}` lines for one resource type,
 * filtered by namespace and selectors, resumed from a resourceVersion when the history still
 * reaches it (410 Gone otherwise), as Table rows when the client asks for tables.
 */
import type { KubeObject, WatchEvent } from './cluster-api.js';
import { type RequestContext, type ResourceTarget, selectObjects } from './request-context.js';
import { matchesFields, matchesRequirements, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { statusBody } from './status.js';
import { buildTable } from './tables.js';

/** Serves a watch until the client disconnects or timeoutSeconds elapse. */
export async function serveWatch(context: RequestContext, target: ResourceTarget): Promise<void> {
  const { query, cluster, response } = context;
  const labels = query.get('labelSelector');
  const fields = query.get('fieldSelector');
  const requirements = labels ? parseLabelSelector(labels) : [];
  const fieldRequirements = fields ? parseFieldSelector(fields) : [];
  const asTable = /as=Table/.test(context.headers.accept ?? '');
  const matches = (object: KubeObject): boolean => {
    if (object.kind !== target.type.kind) return false;
    if (target.type.namespaced && target.namespace !== undefined && object.metadata.namespace !== target.namespace)
      return false;
    if (target.name !== undefined && object.metadata.name !== target.name) return false;
    return matchesRequirements(object.metadata.labels, requirements) && matchesFields(object, fieldRequirements);
  };
  const requestedVersion = query.get('resourceVersion');
  let backlog: WatchEvent[];
  if (!requestedVersion || requestedVersion === '0') {
    backlog = selectObjects(cluster, target, query)
      .filter(matches)
      .map((object) => ({ type: 'ADDED', object }));
  } else {
    const changes = cluster.changesSince?.(requestedVersion);
    if (!changes) {
      const gone = JSON.stringify(
        statusBody(
          410,
          'Expired',
          `too old resource version: ${requestedVersion} (${cluster.currentResourceVersion?.() ?? ''})`,
        ),
      );
      response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      response.end(`${JSON.stringify({ type: 'ERROR', object: JSON.parse(gone) as unknown })}\n`);
      return;
    }
    backlog = changes.filter((event) => matches(event.object));
  }
  response.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  // Clients wait for the headers before they consider the watch established (and cancellable).
  response.flushHeaders();
  const emit = (event: WatchEvent): void => {
    const object = asTable
      ? buildTable(target.type.kind, [event.object], cluster.now?.() ?? new Date(), 'Metadata', {
          resourceVersion: event.object.metadata.resourceVersion,
        })
      : event.object;
    response.write(`${JSON.stringify({ type: event.type, object })}\n`);
  };
  for (const event of backlog) emit(event);
  await new Promise<void>((resolve) => {
    const unsubscribe = cluster.subscribe((event) => {
      if (matches(event.object)) emit(event);
    });
    const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 1800);
    const timer = setTimeout(finish, Math.max(1, timeoutSeconds) * 1000);
    timer.unref();
    function finish(): void {
      clearTimeout(timer);
      unsubscribe();
      if (!response.writableEnded) response.end();
      resolve();
    }
    context.request.on('close', finish);
    response.on('close', finish);
  });
}
