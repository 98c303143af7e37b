import { z } from 'zod';
import type { KubeClient } from './kube-client.js';
import { findWellKnownType, type KubeMetadata, type KubeObject } from './kube-types.js';

/** One controller above an object (`{ kind: 'ReplicaSet', name: 'checkout-7d9f8' }`). */
export interface OwnerRef {
  kind: string;
  name: string;
}

/**
 * Who an object belongs to, as every pod summary, event group and policy result carries it:
 * the controller chain above it (nearest first) and the Argo CD application managing the top.
 */
export interface Ownership {
  owners?: OwnerRef[];
  argocdApp?: string;
}

/** The object an event or report result is about. */
export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
}

/** zod shape of `OwnerRef`, for output schemas. */
export const ownerRefSchema = z.object({ kind: z.string(), name: z.string() });

/** zod fields of `Ownership`, spread into output schemas of objects that carry it. */
export const ownershipFields = {
  owners: z.array(ownerRefSchema).optional().describe('Controller chain above the object, nearest first.'),
  argocdApp: z.string().optional().describe('Argo CD application managing the top object of the chain.'),
};

/** zod shape of `ObjectRef`. */
export const objectRefSchema = z.object({ kind: z.string(), name: z.string(), namespace: z.string().optional() });

/** Argo CD's annotation tracking (default since 3.0): `<app>:<group>/<kind>:<namespace>/<name>`. */
export const TRACKING_ID_ANNOTATION = 'argocd.argoproj.io/tracking-id';
/** Argo CD's label tracking (the older default). */
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/** The Argo CD application that manages an object, from its tracking annotation or instance label. */
export function argocdAppOf(metadata: Pick<KubeMetadata, 'labels' | 'annotations'> | undefined): string | undefined {
  const tracking = metadata?.annotations?.[TRACKING_ID_ANNOTATION];
  const app = tracking?.slice(0, tracking.indexOf(':') > 0 ? tracking.indexOf(':') : undefined);
  return app || metadata?.labels?.[INSTANCE_LABEL] || undefined;
}

/** The controlling owner reference (the first one when none is marked controller). */
function controllerOf(object: KubeObject): OwnerRef | undefined {
  const references = object.metadata.ownerReferences ?? [];
  const reference = references.find((candidate) => candidate.controller) ?? references[0];
  return reference ? { kind: reference.kind, name: reference.name } : undefined;
}

/** Longest controller chain walked (Pod → Job → CronJob is 2; anything deeper is a loop or noise). */
const MAX_DEPTH = 5;

/** Resolves ownership of objects for one tool call; lookups are cached, so the extra reads stay bounded. */
export interface OwnershipResolver {
  /** Ownership of an object the tool already holds. */
  ownershipOf(object: KubeObject): Promise<Ownership>;
  /** Ownership of an object known only by reference (an event's involved object, a report result). */
  ownershipOfRef(reference: ObjectRef): Promise<Ownership>;
  /** Seeds the cache with a complete list of one kind in one namespace (no further read of it). */
  rememberList(kind: string, namespace: string | undefined, objects: readonly KubeObject[]): void;
  /** Seeds the cache with objects already read (a partial list). */
  remember(objects: readonly KubeObject[]): void;
}

/**
 * Creates a per-call resolver. It walks ownerReferences (Pod → ReplicaSet → Deployment, Pod →
 * StatefulSet, Pod → Job → CronJob) and reads an owner by listing its kind in its namespace once,
 * so a call makes at most one extra list per (kind, namespace) it meets — fewer when the tool
 * seeded lists it had read anyway. Kinds outside the well-known table are not looked up. A failed
 * lookup ends the chain where it is; ownership is a hint, never a reason to fail the tool.
 */
export function createOwnershipResolver(kube: KubeClient): OwnershipResolver {
  const objects = new Map<string, KubeObject>();
  const listed = new Map<string, Promise<void>>();
  const keyOf = (kind: string, namespace: string | undefined, name: string) => `${kind}/${namespace ?? ''}/${name}`;
  const store = (kind: string | undefined, object: KubeObject) => {
    const objectKind = object.kind ?? kind;
    if (objectKind)
      objects.set(keyOf(objectKind, object.metadata.namespace, object.metadata.name), { ...object, kind: objectKind });
  };

  const lookup = async (kind: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined> => {
    const key = keyOf(kind, namespace, name);
    const known = objects.get(key);
    if (known) return known;
    const type = findWellKnownType(kind);
    if (!type) return undefined;
    const scope = type.namespaced ? namespace : undefined;
    const listKey = `${kind}/${scope ?? ''}`;
    if (!listed.has(listKey)) {
      listed.set(
        listKey,
        kube.list(type, scope ? { namespace: scope } : {}).then(
          (found) => {
            for (const object of found) store(kind, object);
          },
          () => undefined, // Forbidden or unreachable: the chain stops at what is known.
        ),
      );
    }
    await listed.get(listKey);
    return objects.get(keyOf(kind, scope, name));
  };

  const ownershipOf = async (object: KubeObject): Promise<Ownership> => {
    const owners: OwnerRef[] = [];
    let top: KubeObject = object;
    let current: KubeObject | undefined = object;
    while (current && owners.length < MAX_DEPTH) {
      const owner = controllerOf(current);
      if (!owner) break;
      owners.push(owner);
      current = await lookup(owner.kind, object.metadata.namespace, owner.name);
      if (current) top = current;
    }
    const argocdApp = argocdAppOf(top.metadata);
    return { ...(owners.length > 0 ? { owners } : {}), ...(argocdApp ? { argocdApp } : {}) };
  };

  return {
    ownershipOf,
    async ownershipOfRef(reference) {
      const object = await lookup(reference.kind, reference.namespace, reference.name);
      return object ? ownershipOf(object) : {};
    },
    rememberList(kind, namespace, list) {
      for (const object of list) store(kind, object);
      listed.set(`${kind}/${namespace ?? ''}`, Promise.resolve());
    },
    remember(list) {
      for (const object of list) store(undefined, object);
    },
  };
}
