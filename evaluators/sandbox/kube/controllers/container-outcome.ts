/**
 * Decides what happens to one container of a scheduled pod, from its manifest, the objects it
 * references and the behaviour of its image: it cannot be pulled, cannot be configured, crashes
 * (missing env or file, OOM, liveness kill), runs but is not ready, or runs fine.
 */
import type { ImageBehaviour, KubeObject } from '../cluster-api.js';
import { parseQuantity } from '../quantity.js';

/** A container as the simulation reads it. */
export interface ContainerSpec {
  name: string;
  image?: string;
  env?: Array<{ name: string; value?: string; valueFrom?: Record<string, Record<string, unknown> | undefined> }>;
  envFrom?: Array<{
    prefix?: string;
    configMapRef?: { name: string; optional?: boolean };
    secretRef?: { name: string; optional?: boolean };
  }>;
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  volumeMounts?: Array<{ name: string; mountPath: string; subPath?: string }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: ProbeSpec;
  /** Sidecar-style init containers (`restartPolicy: Always`) keep running beside the app. */
  restartPolicy?: string;
  readinessProbe?: ProbeSpec;
  startupProbe?: ProbeSpec;
}

/** A probe as the simulation reads it. */
export interface ProbeSpec {
  httpGet?: { path?: string; port: number | string; scheme?: string };
  tcpSocket?: { port: number | string };
  grpc?: { port: number };
  exec?: unknown;
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
}

/** A failing probe and the message the kubelet reports for it. */
export interface ProbeFailure {
  kind: 'Liveness' | 'Readiness' | 'Startup';
  /** Message after `<Kind> probe failed: `, with `{ip}` standing for the pod IP. */
  message: string;
  periodSeconds: number;
  initialDelaySeconds: number;
  failureThreshold: number;
}

/** What happens to the container. */
export type ContainerOutcome =
  | { kind: 'image-missing'; key: string; image: string; pullError: string }
  | { kind: 'config-error'; key: string; message: string }
  | {
      kind: 'run';
      key: string;
      /** Seconds each run lasts before the container exits; undefined = runs until stopped. */
      runSeconds?: number;
      exitCode: number;
      exitReason: string;
      /** Lines printed by every run (before an exit). */
      logLines: string[];
      readinessFailure?: ProbeFailure;
      livenessFailure?: ProbeFailure;
      calls: string[];
    };

/** The image reference split into repository, tag and digest. */
export function parseImage(image: string): { repository: string; tag: string; digest?: string } {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash)
    return { repository: rest.slice(0, colon), tag: rest.slice(colon + 1), ...(digest ? { digest } : {}) };
  return { repository: rest, tag: 'latest', ...(digest ? { digest } : {}) };
}

/** The fully-qualified reference containerd reports (`docker.io/library/nginx:1.27`). */
export function qualifiedImage(repository: string, tag: string): string {
  const first = repository.split('/')[0] ?? '';
  const hasRegistry = repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const full = hasRegistry
    ? repository
    : repository.includes('/')
      ? `docker.io/${repository}`
      : `docker.io/library/${repository}`;
  return `${full}:${tag}`;
}

/** Finds the behaviour of an image repository, tolerating `docker.io/library/` prefixes. */
export function findBehaviour(
  images: ReadonlyMap<string, ImageBehaviour>,
  repository: string,
): ImageBehaviour | undefined {
  return images.get(repository) ?? images.get(repository.replace(/^docker\.io\/(library\/)?/, ''));
}

/** Inputs: the pod, the container, and look-ups into the cluster. */
export interface OutcomeInput {
  pod: KubeObject;
  container: ContainerSpec;
  behaviour: ImageBehaviour | undefined;
  getConfigMap(name: string): KubeObject | undefined;
  getSecret(name: string): KubeObject | undefined;
  /** The error a call to `host[:port]` gets right now, or undefined when it works. */
  callFailure?(target: string): string | undefined;
}

/** Decides the outcome of a container (see the module comment). */
export function decideOutcome(input: OutcomeInput): ContainerOutcome {
  const { container, behaviour } = input;
  const image = container.image ?? '';
  const ref = parseImage(image);
  const pullError = behaviour ? imagePullError(input, behaviour, ref) : undefined;
  if (pullError) return { kind: 'image-missing', key: `image|${image}|${pullError}`, image, pullError };
  const env = resolveEnv(input);
  if (typeof env === 'string') return { kind: 'config-error', key: `config|${env}`, message: env };

  const logLines = [...(behaviour?.startupLog ?? [])];
  const calls = behaviour?.calls ?? [];
  const missingEnv = (behaviour?.requiredEnv ?? []).filter((name) => !env.has(name));
  if (missingEnv.length > 0) {
    const crash =
      behaviour?.crashLog ?? missingEnv.map((name) => `FATAL: required environment variable ${name} is not set`);
    return runOutcome(`crash-env|${missingEnv.join(',')}`, 1, 1, 'Error', [...logLines, ...crash], calls);
  }
  const missingFiles = (behaviour?.requiredFiles ?? []).filter((file) => !fileIsMounted(input, file));
  if (missingFiles.length > 0) {
    const crash = behaviour?.crashLog ?? [
      `FATAL: failed to load configuration: open ${missingFiles[0] ?? ''}: no such file or directory`,
    ];
    return runOutcome(`crash-file|${missingFiles.join(',')}`, 1, 1, 'Error', [...logLines, ...crash], calls);
  }
  if (behaviour?.exitCode !== undefined)
    return runOutcome(
      `exit|${behaviour.exitCode}`,
      2,
      behaviour.exitCode,
      'Error',
      [...logLines, ...(behaviour.crashLog ?? [])],
      calls,
    );
  const limit = parseQuantity(container.resources?.limits?.memory);
  if (behaviour?.memoryMiB !== undefined && limit !== undefined && behaviour.memoryMiB * 1024 * 1024 > limit) {
    return runOutcome(`oom|${limit}`, 6, 137, 'OOMKilled', logLines, calls);
  }
  const growth = behaviour?.memoryGrowthMiBPerMinute;
  if (growth !== undefined && behaviour?.memoryMiB !== undefined && limit !== undefined) {
    // A leak: the process lives as long as its heap takes to grow into the limit.
    const runSeconds = Math.max(10, Math.round(((limit / 1024 / 1024 - behaviour.memoryMiB) / growth) * 60));
    return runOutcome(`leak|${limit}`, runSeconds, 137, 'OOMKilled', logLines, calls);
  }
  const listenPort = behaviour?.listenPort;
  const throttled = isThrottled(container, behaviour);
  const liveness =
    probeFailure('Liveness', container.livenessProbe, container, listenPort, throttled) ??
    probeFailure('Startup', container.startupProbe, container, listenPort, throttled);
  const readiness =
    probeFailure('Readiness', container.readinessProbe, container, listenPort, throttled) ??
    dependencyFailure(input, behaviour);
  if (liveness) {
    const runSeconds = liveness.initialDelaySeconds + liveness.periodSeconds * liveness.failureThreshold;
    const outcome = runOutcome(`liveness|${liveness.message}`, runSeconds, 137, 'Error', logLines, calls);
    return { ...outcome, livenessFailure: liveness, ...(readiness ? { readinessFailure: readiness } : {}) };
  }
  return {
    kind: 'run',
    key: `run|${readiness?.message ?? 'ok'}`,
    exitCode: 0,
    exitReason: 'Completed',
    logLines,
    calls,
    ...(readiness ? { readinessFailure: readiness } : {}),
  };
}

type RunOutcome = Extract<ContainerOutcome, { kind: 'run' }>;

function runOutcome(
  key: string,
  runSeconds: number,
  exitCode: number,
  exitReason: string,
  logLines: string[],
  calls: string[],
): RunOutcome {
  return { kind: 'run', key, runSeconds, exitCode, exitReason, logLines, calls };
}

/** Resolves env names, or returns the CreateContainerConfigError message. */
function resolveEnv(input: OutcomeInput): Set<string> | string {
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
function fileIsMounted(input: OutcomeInput, file: string): boolean {
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

/** Resolves a probe port (number or named container port). */
function resolvePort(port: number | string | undefined, container: ContainerSpec): number | undefined {
  if (typeof port === 'number') return port;
  if (typeof port !== 'string') return undefined;
  if (/^[0-9]+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

function probeFailure(
  kind: ProbeFailure['kind'],
  probe: ProbeSpec | undefined,
  container: ContainerSpec,
  listenPort: number | undefined,
  isThrottled = false,
): ProbeFailure | undefined {
  if (!probe || listenPort === undefined) return undefined;
  const port = resolvePort(probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port, container);
  if (port === undefined) return undefined;
  let message: string;
  if (port === listenPort) {
    if (!isThrottled || !probe.httpGet) return undefined;
    // A CPU-starved process answers later than the probe waits.
    const scheme = (probe.httpGet.scheme ?? 'HTTP').toLowerCase();
    message =
      `Get "${scheme}://{ip}:${port}${probe.httpGet.path ?? '/'}": context deadline exceeded (Client.Timeout ` +
      `exceeded while awaiting headers)`;
  } else if (probe.httpGet) {
    const scheme = (probe.httpGet.scheme ?? 'HTTP').toLowerCase();
    message =
      `Get "${scheme}://{ip}:${port}${probe.httpGet.path ?? '/'}": dial tcp {ip}:${port}: connect: connection ` +
      `refused`;
  } else if (probe.grpc) {
    message = `timeout: failed to connect service "{ip}:${port}" within 1s: context deadline exceeded`;
  } else message = `dial tcp {ip}:${port}: connect: connection refused`;
  return {
    kind,
    message,
    periodSeconds: probe.periodSeconds ?? 10,
    initialDelaySeconds: probe.initialDelaySeconds ?? 0,
    failureThreshold: probe.failureThreshold ?? 3,
  };
}

/** The pull error of an image reference, or undefined when the registry serves it. */
function imagePullError(
  input: OutcomeInput,
  behaviour: ImageBehaviour,
  ref: ReturnType<typeof parseImage>,
): string | undefined {
  const full = qualifiedImage(ref.repository, ref.tag);
  if (behaviour.pullSecret !== undefined) {
    const pullSecrets =
      (input.pod.spec as { imagePullSecrets?: Array<{ name?: string }> } | undefined)?.imagePullSecrets ?? [];
    const hasSecret = pullSecrets.some(
      (secret) => secret.name === behaviour.pullSecret && input.getSecret(behaviour.pullSecret ?? '') !== undefined,
    );
    if (!hasSecret) {
      const host = full.split('/')[0] ?? '';
      return (
        `rpc error: code = Unknown desc = failed to pull and unpack image "${full}": failed to resolve reference ` +
        `"${full}": pull access denied, repository does not exist or may require authorization: server message: ` +
        `insufficient_scope: authorization failed: failed to authorize: failed to fetch anonymous token: ` +
        `unexpected status from GET request to https://${host}/token: 401 Unauthorized`
      );
    }
  }
  if (ref.digest || behaviour.tags.includes(ref.tag)) return undefined;
  if (behaviour.missingTag === 'manifest-unknown')
    return (
      `rpc error: code = NotFound desc = failed to pull and unpack image "${full}": failed to resolve reference ` +
      `"${full}": unexpected status from HEAD request: 404 Not Found: manifest unknown: manifest tagged by ` +
      `"${ref.tag}" is not found`
    );
  return (
    `rpc error: code = NotFound desc = failed to pull and unpack image "${full}": failed to resolve reference ` +
    `"${full}": ${full}: not found`
  );
}

/** True when the container's CPU limit is below what the process burns. */
function isThrottled(container: ContainerSpec, behaviour: ImageBehaviour | undefined): boolean {
  const limit = parseQuantity(container.resources?.limits?.cpu);
  return behaviour?.cpuMillicores !== undefined && limit !== undefined && limit * 1000 < behaviour.cpuMillicores;
}

/** Readiness that answers 503 while a dependency the process calls is unreachable. */
function dependencyFailure(input: OutcomeInput, behaviour: ImageBehaviour | undefined): ProbeFailure | undefined {
  const probe = input.container.readinessProbe;
  if (!behaviour?.isReadyOnlyWithCalls || !probe || !input.callFailure) return undefined;
  if (!(behaviour.calls ?? []).some((target) => input.callFailure?.(target) !== undefined)) return undefined;
  return {
    kind: 'Readiness',
    message: 'HTTP probe failed with statuscode: 503',
    periodSeconds: probe.periodSeconds ?? 10,
    initialDelaySeconds: probe.initialDelaySeconds ?? 0,
    failureThreshold: probe.failureThreshold ?? 3,
  };
}
