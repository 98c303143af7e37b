/**
 * The shapes the container simulation reads: a container and its probes as the manifest gives
 * them, and the look-ups into the cluster that decide what happens to it.
 */
import type { ImageBehaviour, KubeObject } from '../cluster-api.js';

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
