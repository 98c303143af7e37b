import type { PodSpecShape } from './kube-shapes.js';

/** A ConfigMap, Secret or PVC a pod spec needs. */
export interface ObjectReference {
  kind: 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim';
  name: string;
  /** Where the spec uses it: `envFrom (app)`, `env DB_PASSWORD (app)`, `volume config`. */
  usedBy: string;
  optional: boolean;
  /** The parts of `usedBy` as data: container, env variable and key, or volume. */
  container?: string;
  envVar?: string;
  key?: string;
  volume?: string;
}

/** Every ConfigMap, Secret and PVC a pod spec references, de-duplicated per use. */
export function referencedObjects(spec: PodSpecShape | undefined): ObjectReference[] {
  if (!spec) return [];
  const references: ObjectReference[] = [];
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const source of container.envFrom ?? []) {
      if (source.configMapRef)
        references.push({
          kind: 'ConfigMap',
          name: source.configMapRef.name,
          usedBy: `envFrom (${container.name})`,
          optional: source.configMapRef.optional === true,
          container: container.name,
        });
      if (source.secretRef)
        references.push({
          kind: 'Secret',
          name: source.secretRef.name,
          usedBy: `envFrom (${container.name})`,
          optional: source.secretRef.optional === true,
          container: container.name,
        });
    }
    for (const variable of container.env ?? []) {
      const configMap = variable.valueFrom?.configMapKeyRef;
      const secret = variable.valueFrom?.secretKeyRef;
      if (configMap)
        references.push({
          kind: 'ConfigMap',
          name: configMap.name,
          usedBy: `env ${variable.name} key ${configMap.key} (${container.name})`,
          optional: configMap.optional === true,
          container: container.name,
          envVar: variable.name,
          key: configMap.key,
        });
      if (secret)
        references.push({
          kind: 'Secret',
          name: secret.name,
          usedBy: `env ${variable.name} key ${secret.key} (${container.name})`,
          optional: secret.optional === true,
          container: container.name,
          envVar: variable.name,
          key: secret.key,
        });
    }
  }
  for (const volume of spec.volumes ?? []) {
    if (volume.configMap)
      references.push({
        kind: 'ConfigMap',
        name: volume.configMap.name,
        usedBy: `volume ${volume.name}`,
        optional: volume.configMap.optional === true,
        volume: volume.name,
      });
    if (volume.secret)
      references.push({
        kind: 'Secret',
        name: volume.secret.secretName,
        usedBy: `volume ${volume.name}`,
        optional: volume.secret.optional === true,
        volume: volume.name,
      });
    if (volume.persistentVolumeClaim)
      references.push({
        kind: 'PersistentVolumeClaim',
        name: volume.persistentVolumeClaim.claimName,
        usedBy: `volume ${volume.name}`,
        optional: false,
        volume: volume.name,
      });
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap)
        references.push({
          kind: 'ConfigMap',
          name: source.configMap.name,
          usedBy: `volume ${volume.name}`,
          optional: source.configMap.optional === true,
          volume: volume.name,
        });
      if (source.secret)
        references.push({
          kind: 'Secret',
          name: source.secret.name,
          usedBy: `volume ${volume.name}`,
          optional: source.secret.optional === true,
          volume: volume.name,
        });
    }
  }
  for (const pullSecret of spec.imagePullSecrets ?? [])
    references.push({ kind: 'Secret', name: pullSecret.name, usedBy: 'imagePullSecrets', optional: false });
  return references;
}

/** A referenced key that the existing object lacks (`env X key Y` whose key is not in the ConfigMap). */
export interface MissingKey {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  key: string;
  usedBy: string;
  container: string;
  envVar: string;
}

/** Keys referenced through `configMapKeyRef`/`secretKeyRef` that are absent from the given objects' key lists. */
export function missingKeys(
  spec: PodSpecShape | undefined,
  keysByObject: ReadonlyMap<string, readonly string[]>,
): MissingKey[] {
  const missing: MissingKey[] = [];
  for (const container of spec?.containers ?? []) {
    for (const variable of container.env ?? []) {
      const configMap = variable.valueFrom?.configMapKeyRef;
      const secret = variable.valueFrom?.secretKeyRef;
      const ref = configMap
        ? { kind: 'ConfigMap' as const, ...configMap }
        : secret
          ? { kind: 'Secret' as const, ...secret }
          : undefined;
      if (!ref || ref.optional) continue;
      const keys = keysByObject.get(`${ref.kind}/${ref.name}`);
      if (keys && !keys.includes(ref.key))
        missing.push({
          kind: ref.kind,
          name: ref.name,
          key: ref.key,
          usedBy: `env ${variable.name} (${container.name})`,
          container: container.name,
          envVar: variable.name,
        });
    }
  }
  return missing;
}
