/**
 * What a container's configuration resolves to: the environment variable names its env and
 * envFrom yield (or the CreateContainerConfigError message when a reference is missing) and
 * whether a file path is provided by a mounted ConfigMap or Secret.
 */
import type { KubeObject } from '../cluster-api.js';
import type { OutcomeInput } from './container-spec.js';

/** Resolves env names, or returns the CreateContainerConfigError message. */
export function resolveEnv(input: OutcomeInput): Set<string> | string {
  const names = new Set<string>();
  const namespace = input.pod.metadata.namespace ?? 'default';
  for (const source of input.container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    if (!ref) continue;
    const isSecret = source.secretRef !== undefined;
    const object = isSecret ? input.getSecret(ref.name) : input.getConfigMap(ref.name);
    if (!object) {
      if (ref.optional) continue;
      return `${isSecret ? 'secret' : 'configmap'} "${ref.name}" not found`;
    }
    for (const key of dataKeys(object)) names.add(`${source.prefix ?? ''}${key}`);
  }
  for (const variable of input.container.env ?? []) {
    const from = variable.valueFrom;
    const configRef = from?.configMapKeyRef as { name?: string; key?: string; optional?: boolean } | undefined;
    const secretRef = from?.secretKeyRef as { name?: string; key?: string; optional?: boolean } | undefined;
    const ref = configRef ?? secretRef;
    if (ref) {
      const isSecret = secretRef !== undefined;
      const object = isSecret ? input.getSecret(ref.name ?? '') : input.getConfigMap(ref.name ?? '');
      if (!object) {
        if (ref.optional) continue;
        return `${isSecret ? 'secret' : 'configmap'} "${ref.name ?? ''}" not found`;
      }
      if (!dataKeys(object).includes(ref.key ?? '')) {
        if (ref.optional) continue;
        return (
          `couldn't find key ${ref.key ?? ''} in ${isSecret ? 'Secret' : 'ConfigMap'} ` +
          `${namespace}/${ref.name ?? ''}`
        );
      }
    }
    names.add(variable.name);
  }
  return names;
}

/** Keys of a ConfigMap or Secret (data, binaryData, stringData). */
export function dataKeys(object: KubeObject): string[] {
  return [
    ...Object.keys((object.data as Record<string, unknown> | undefined) ?? {}),
    ...Object.keys((object.binaryData as Record<string, unknown> | undefined) ?? {}),
    ...Object.keys((object.stringData as Record<string, unknown> | undefined) ?? {}),
  ];
}

interface VolumeSpec {
  name: string;
  configMap?: { name: string; items?: Array<{ key: string; path: string }> };
  secret?: { secretName: string; items?: Array<{ key: string; path: string }> };
  projected?: {
    sources?: Array<{
      configMap?: VolumeSpec['configMap'];
      secret?: { name: string; items?: Array<{ key: string; path: string }> };
    }>;
  };
}

/** True when a file path inside the container is provided by a mounted ConfigMap/Secret. */
export function fileIsMounted(input: OutcomeInput, file: string): boolean {
  const volumes = (input.pod.spec as { volumes?: VolumeSpec[] } | undefined)?.volumes ?? [];
  for (const mount of input.container.volumeMounts ?? []) {
    const volume = volumes.find((v) => v.name === mount.name);
    if (!volume) continue;
    const mountPath = mount.mountPath.replace(/\/+$/, '');
    let relative: string | undefined;
    if (mount.subPath) {
      if (file === mountPath) relative = mount.subPath;
    } else if (file.startsWith(`${mountPath}/`)) relative = file.slice(mountPath.length + 1);
    if (relative === undefined) continue;
    if (volumeFiles(input, volume).includes(relative)) return true;
  }
  return false;
}

function volumeFiles(input: OutcomeInput, volume: VolumeSpec): string[] {
  const sources: Array<{ object: KubeObject | undefined; items?: Array<{ key: string; path: string }> }> = [];
  if (volume.configMap)
    sources.push({
      object: input.getConfigMap(volume.configMap.name),
      ...(volume.configMap.items ? { items: volume.configMap.items } : {}),
    });
  if (volume.secret)
    sources.push({
      object: input.getSecret(volume.secret.secretName),
      ...(volume.secret.items ? { items: volume.secret.items } : {}),
    });
  for (const source of volume.projected?.sources ?? []) {
    if (source.configMap)
      sources.push({
        object: input.getConfigMap(source.configMap.name),
        ...(source.configMap.items ? { items: source.configMap.items } : {}),
      });
    if (source.secret)
      sources.push({
        object: input.getSecret(source.secret.name),
        ...(source.secret.items ? { items: source.secret.items } : {}),
      });
  }
  const files: string[] = [];
  for (const { object, items } of sources) {
    if (!object) continue;
    const keys = dataKeys(object);
    if (items) {
      for (const item of items) if (keys.includes(item.key)) files.push(item.path);
    } else files.push(...keys);
  }
  return files;
}
