/**
 * The REST surface over a SimulatedCluster: list (label/field selectors, limit/continue,
 * Table output), get, create, update, patch (merge, strategic merge, JSON patch, apply),
 * delete, deletecollection, `dryRun=All`, watch, pods/log and the scale subresource.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { type ApplyOptions, KubeApiError, type KubeObject } from './cluster-api.js';
import { fieldManagerOf } from './managed-fields.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { apiVersionOf, type ResourceType, typeForPlural } from './resource-types.js';
import { stableSuffix } from './stable-id.js';
import { statusBody } from './status.js';
import { buildTable, type IncludeObject } from './tables.js';
import { serveWatch } from './watch.js';
import { type RequestContext, type ResourceTarget, selectObjects } from './request-context.js';

export type { RequestContext, ResourceTarget };

function resourceName(type: ResourceType): string {
  return type.group === '' ? type.plural : `${type.plural}.${type.group}`;
}

function notFound(type: ResourceType, name: string): KubeApiError {
  return new KubeApiError(404, 'NotFound', `${resourceName(type)} "${name}" not found`);
}

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

function send(context: RequestContext, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  context.response.writeHead(code, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(text),
  });
  context.response.end(text);
}

function wantsTable(headers: IncomingHttpHeaders): boolean {
  return /as=Table/.test(headers.accept ?? '');
}

function includeObjectOf(query: URLSearchParams): IncludeObject {
  const value = query.get('includeObject');
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

function parseBody(context: RequestContext): unknown {
  if (context.body.trim() === '') throw new KubeApiError(400, 'BadRequest', 'the request body is empty');
  try {
    return /yaml/.test(context.headers['content-type'] ?? '') ? parseYaml(context.body) : JSON.parse(context.body);
  } catch (error) {
    throw new KubeApiError(
      400,
      'BadRequest',
      `the object provided is unrecognized: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
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

function now(context: RequestContext): Date {
  return context.cluster.now?.() ?? new Date();
}

function current(context: RequestContext, target: ResourceTarget): KubeObject {
  const object = context.cluster.get(apiVersionOf(target.type), target.type.kind, target.namespace, target.name ?? '');
  if (!object) throw notFound(target.type, target.name ?? '');
  return object;
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

function isDryRun(query: URLSearchParams): boolean {
  return query.getAll('dryRun').includes('All');
}

/** How a write is recorded in managedFields besides its manager. */
type WriteKind = Pick<ApplyOptions, 'operation' | 'applied' | 'subresource'>;

function write(
  context: RequestContext,
  object: KubeObject,
  mode: 'create' | 'update',
  kind: WriteKind = {},
): KubeObject {
  const fieldManager = fieldManagerOf(context.query, context.headers);
  const options: ApplyOptions = { dryRun: isDryRun(context.query), ...(fieldManager ? { fieldManager } : {}), ...kind };
  if (context.cluster.write) return context.cluster.write(object, { ...options, mode }).object;
  return context.cluster.apply(object, options).object;
}

function create(context: RequestContext, target: ResourceTarget): void {
  const body = parseBody(context) as KubeObject;
  if (!body || typeof body !== 'object')
    throw new KubeApiError(400, 'BadRequest', 'the object provided is unrecognized');
  const metadata = { ...(body.metadata ?? {}) } as KubeObject['metadata'];
  if (target.type.namespaced) {
    if (metadata.namespace && target.namespace && metadata.namespace !== target.namespace) {
      throw new KubeApiError(
        400,
        'BadRequest',
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    metadata.namespace = target.namespace ?? metadata.namespace ?? 'default';
  }
  if (!metadata.name && typeof metadata.generateName === 'string') {
    metadata.name =
      `${metadata.generateName}` +
      `${stableSuffix(`${metadata.generateName}|${context.cluster.currentResourceVersion?.() ?? ''}`)}`;
  }
  const object = write(
    context,
    {
      ...body,
      apiVersion: body.apiVersion ?? apiVersionOf(target.type),
      kind: body.kind ?? target.type.kind,
      metadata,
    },
    'create',
  );
  send(context, 201, object);
}

function modify(context: RequestContext, target: ResourceTarget): void {
  const name = target.name ?? '';
  const contentType = context.headers['content-type'] ?? '';
  const existing = context.cluster.get(apiVersionOf(target.type), target.type.kind, target.namespace, name);
  if (target.subresource === 'scale') {
    if (!existing) throw notFound(target.type, name);
    const body = parseBody(context) as { spec?: { replicas?: number } };
    const patched =
      context.method === 'PUT'
        ? body
        : (mergePatch(scaleOf(target.type, existing), body) as { spec?: { replicas?: number } });
    const replicas = patched.spec?.replicas ?? Number((existing.spec as { replicas?: number }).replicas ?? 1);
    const updated = write(context, { ...existing, spec: { ...(existing.spec as object), replicas } }, 'update', {
      subresource: 'scale',
    });
    send(context, 200, scaleOf(target.type, updated));
    return;
  }
  if (target.subresource === 'status') {
    // Status is derived by the simulated controllers; a client write would be overwritten at once.
    if (!existing) throw notFound(target.type, name);
    send(context, 200, existing);
    return;
  }
  let next: KubeObject;
  if (context.method === 'PUT') {
    next = parseBody(context) as KubeObject;
    if (!existing) throw notFound(target.type, name);
  } else if (contentType.startsWith('application/apply-patch')) {
    if (!context.query.get('fieldManager')) {
      throw new KubeApiError(
        422,
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    }
    const body = parseBody(context) as KubeObject;
    next = existing ? (mergePatch(existing, body) as KubeObject) : body;
    const apply: WriteKind = { operation: 'Apply', applied: body };
    const object = existing
      ? write(
          context,
          { ...next, metadata: { ...next.metadata, resourceVersion: undefined } as KubeObject['metadata'] },
          'update',
          apply,
        )
      : write(
          context,
          { ...body, metadata: { ...body.metadata, namespace: target.namespace } as KubeObject['metadata'] },
          'create',
          apply,
        );
    send(context, existing ? 200 : 201, object);
    return;
  } else {
    if (!existing) throw notFound(target.type, name);
    const body = parseBody(context);
    if (contentType.startsWith('application/json-patch+json')) next = jsonPatch(existing, body) as KubeObject;
    else if (contentType.startsWith('application/strategic-merge-patch+json'))
      next = strategicMergePatch(existing, body) as KubeObject;
    else if (contentType.startsWith('application/merge-patch+json')) next = mergePatch(existing, body) as KubeObject;
    else
      throw new KubeApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ` +
          `application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, ` +
          `application/strategic-merge-patch+json`,
      );
    // A patch applies to the latest version unless it names a resourceVersion itself.
    const patchedVersion = (body as { metadata?: { resourceVersion?: string } } | null)?.metadata?.resourceVersion;
    next = { ...next, metadata: { ...next.metadata, resourceVersion: patchedVersion } as KubeObject['metadata'] };
  }
  if (next.metadata?.name && next.metadata.name !== name)
    throw new KubeApiError(
      400,
      'BadRequest',
      `the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`,
    );
  const object = write(
    context,
    {
      ...next,
      metadata: { ...next.metadata, name, ...(target.type.namespaced ? { namespace: target.namespace } : {}) },
    },
    'update',
  );
  send(context, 200, object);
}

function remove(context: RequestContext, target: ResourceTarget): void {
  const object = current(context, target);
  if (!isDryRun(context.query))
    context.cluster.delete(apiVersionOf(target.type), target.type.kind, target.namespace, target.name ?? '');
  if (target.type.kind === 'Pod' || target.type.kind === 'Namespace') {
    send(context, 200, {
      ...object,
      metadata: {
        ...object.metadata,
        deletionTimestamp: now(context)
          .toISOString()
          .replace(/\.\d+Z$/, 'Z'),
      },
    });
    return;
  }
  send(
    context,
    200,
    statusBody(200, '', '', {
      name: object.metadata.name,
      ...(target.type.group ? { group: target.type.group } : {}),
      kind: target.type.plural,
      uid: object.metadata.uid,
    }),
  );
}

function removeCollection(context: RequestContext, target: ResourceTarget): void {
  const objects = selectObjects(context.cluster, target, context.query);
  if (!isDryRun(context.query)) {
    for (const object of objects)
      context.cluster.delete(
        apiVersionOf(target.type),
        target.type.kind,
        object.metadata.namespace,
        object.metadata.name,
      );
  }
  send(context, 200, {
    kind: `${target.type.kind}List`,
    apiVersion: apiVersionOf(target.type),
    metadata: {},
    items: objects,
  });
}

function scaleOf(type: ResourceType, object: KubeObject): Record<string, unknown> {
  if (!['Deployment', 'ReplicaSet', 'StatefulSet'].includes(type.kind))
    throw new KubeApiError(404, 'NotFound', 'the server could not find the requested resource');
  const spec = object.spec as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  const selector = Object.entries(spec.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
      creationTimestamp: object.metadata.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: Number((object.status as { replicas?: number } | undefined)?.replicas ?? 0), selector },
  };
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
