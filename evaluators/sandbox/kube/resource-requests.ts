/**
 * The REST surface over a SimulatedCluster: list (label/field selectors, limit/continue,
 * Table output), get, create, update, patch (merge, strategic merge, JSON patch, apply),
 * delete, deletecollection, `dryRun=All`, watch, pods/log and the scale subresource.
 */
import { KubeApiError } from './cluster-api.js';
import { apiVersionOf, typeForPlural } from './resource-types.js';
import { statusBody } from './status.js';
import { buildTable } from './tables.js';
import { current, includeObjectOf, now, scaleOf, send, wantsTable } from './resource-responses.js';
import { create, modify, remove, removeCollection } from './resource-writes.js';
import { serveWatch } from './watch.js';
import { type RequestContext, type ResourceTarget, selectObjects } from './request-context.js';

export type { RequestContext, ResourceTarget };

/** Parses `/api/v1/...` and `/apis/{g}/{v}/...` paths. */
export function parseResourcePath(path: string): ResourceTarget | undefined {
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api') {
    group = '';
    version = segments[1] ?? '';
    rest = segments.slice(2);
  } else if (segments[0] === 'apis') {
    group = segments[1] ?? '';
    version = segments[2] ?? '';
    rest = segments.slice(3);
  } else return undefined;
  let namespace: string | undefined;
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    !(rest.length === 3 && ['status', 'finalize'].includes(rest[2] ?? ''))
  ) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const type = typeForPlural(group, version, rest[0] ?? '');
  if (!type) return undefined;
  return {
    type,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(rest[1] !== undefined ? { name: rest[1] } : {}),
    ...(rest[2] !== undefined ? { subresource: rest[2] } : {}),
  };
}

/** Dispatches one resource request. */
export async function handleResourceRequest(context: RequestContext): Promise<void> {
  const target = parseResourcePath(context.path);
  if (!target) {
    send(context, 404, statusBody(404, 'NotFound', 'the server could not find the requested resource'));
    return;
  }
  const { method, query } = context;
  if (method === 'GET' && !target.name) {
    if (query.get('watch') === 'true' || query.get('watch') === '1') {
      await serveWatch(context, target);
      return;
    }
    list(context, target);
    return;
  }
  if (method === 'GET' && target.name) {
    if (target.subresource === 'log') return logs(context, target);
    if (target.subresource === 'scale') return send(context, 200, scaleOf(target.type, current(context, target)));
    const object = current(context, target);
    if (wantsTable(context.headers) && !target.subresource) {
      send(
        context,
        200,
        buildTable(target.type.kind, [object], now(context), includeObjectOf(query), {
          resourceVersion: object.metadata.resourceVersion,
        }),
      );
      return;
    }
    send(context, 200, object);
    return;
  }
  if (method === 'POST' && !target.name) return create(context, target);
  if ((method === 'PUT' || method === 'PATCH') && target.name) return modify(context, target);
  if (method === 'DELETE' && target.name) return remove(context, target);
  if (method === 'DELETE') return removeCollection(context, target);
  send(
    context,
    405,
    statusBody(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`),
  );
}

function list(context: RequestContext, target: ResourceTarget): void {
  const { query } = context;
  let objects = selectObjects(context.cluster, target, query);
  const resourceVersion = context.cluster.currentResourceVersion?.() ?? '1';
  const limit = Number(query.get('limit') ?? 0);
  const offset = query.get('continue')
    ? Number(
        Buffer.from(query.get('continue') ?? '', 'base64url')
          .toString('utf8')
          .split(':')[1] ?? 0,
      )
    : 0;
  const metadata: Record<string, unknown> = { resourceVersion };
  if (limit > 0 || offset > 0) {
    const page = objects.slice(offset, limit > 0 ? offset + limit : undefined);
    if (limit > 0 && offset + limit < objects.length) {
      metadata.continue = Buffer.from(`${resourceVersion}:${offset + limit}`).toString('base64url');
      metadata.remainingItemCount = objects.length - offset - limit;
    }
    objects = page;
  }
  if (wantsTable(context.headers)) {
    send(context, 200, buildTable(target.type.kind, objects, now(context), includeObjectOf(query), metadata));
    return;
  }
  send(context, 200, {
    kind: `${target.type.kind}List`,
    apiVersion: apiVersionOf(target.type),
    metadata,
    items: objects,
  });
}

function logs(context: RequestContext, target: ResourceTarget): void {
  if (target.type.kind !== 'Pod')
    throw new KubeApiError(404, 'NotFound', 'the server could not find the requested resource');
  const { query, cluster } = context;
  const options = {
    ...(query.get('container') ? { container: query.get('container') ?? '' } : {}),
    previous: query.get('previous') === 'true',
  };
  const namespace = target.namespace ?? 'default';
  let lines = cluster.podLogLines
    ? cluster.podLogLines(namespace, target.name ?? '', options)
    : cluster
        .podLogs(namespace, target.name ?? '', options)
        .split('\n')
        .filter((l) => l !== '')
        .map((text) => ({ time: now(context), text }));
  const sinceSeconds = Number(query.get('sinceSeconds') ?? 0);
  const sinceTime = query.get('sinceTime');
  const cutoff =
    sinceSeconds > 0 ? now(context).getTime() - sinceSeconds * 1000 : sinceTime ? Date.parse(sinceTime) : undefined;
  if (cutoff !== undefined) lines = lines.filter((line) => line.time.getTime() >= cutoff);
  const tail = query.get('tailLines');
  if (tail !== null && Number(tail) >= 0) lines = Number(tail) === 0 ? [] : lines.slice(-Number(tail));
  const withTimestamps = query.get('timestamps') === 'true';
  let text = lines
    .map(
      (line) =>
        `${withTimestamps ? `${line.time.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')} ` : ''}${line.text}\n`,
    )
    .join('');
  const limitBytes = Number(query.get('limitBytes') ?? 0);
  if (limitBytes > 0) text = Buffer.from(text).subarray(0, limitBytes).toString('utf8');
  context.response.writeHead(200, {
    'Content-Type': 'text/plain',
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(text),
  });
  context.response.end(text);
}
