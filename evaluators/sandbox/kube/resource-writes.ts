/**
 * The writing verbs of the REST surface: create, update and the patch flavours (merge, strategic
 * merge, JSON patch, server-side apply), delete and deletecollection, each honouring `dryRun=All`
 * and recording its field manager.
 */
import { type ApplyOptions, KubeApiError, type KubeObject } from './cluster-api.js';
import { fieldManagerOf } from './managed-fields.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { apiVersionOf } from './resource-types.js';
import { stableSuffix } from './stable-id.js';
import { statusBody } from './status.js';
import { type RequestContext, type ResourceTarget, selectObjects } from './request-context.js';
import { current, notFound, now, parseBody, scaleOf, send } from './resource-responses.js';

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

/** Serves one create request. */
export function create(context: RequestContext, target: ResourceTarget): void {
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

/** Serves one modify request. */
export function modify(context: RequestContext, target: ResourceTarget): void {
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

/** Serves one remove request. */
export function remove(context: RequestContext, target: ResourceTarget): void {
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

/** Serves one removeCollection request. */
export function removeCollection(context: RequestContext, target: ResourceTarget): void {
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
