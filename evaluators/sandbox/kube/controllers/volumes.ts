/**
 * The PersistentVolumeClaim controller: binds claims whose StorageClass exists (provisioning a
 * PersistentVolume) and leaves the others Pending with ProvisioningFailed / FailedBinding
 * events, like the persistentvolume-controller.
 */
import type { KubeObject } from '../cluster-api.js';
import { isoSeconds, type ControllerContext, putIfChanged } from './context.js';
import { periodic } from './timeline.js';

interface ClaimSpec {
  storageClassName?: string | null;
  accessModes?: string[];
  volumeName?: string;
  volumeMode?: string;
  resources?: { requests?: { storage?: string } };
}

function defaultClass(context: ControllerContext): KubeObject | undefined {
  for (const storageClass of context.store.iterate('storage.k8s.io/StorageClass')) {
    if (storageClass.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true')
      return storageClass;
  }
  return undefined;
}

/** Binds or fails every unbound claim of the namespace. */
export function reconcileClaims(context: ControllerContext, namespace: string): void {
  const nowMs = context.now().getTime();
  for (const claim of context.store.list('/PersistentVolumeClaim', namespace)) {
    const spec = claim.spec as ClaimSpec;
    if ((claim.status as { phase?: string } | undefined)?.phase === 'Bound') continue;
    const createdMs = Date.parse(claim.metadata.creationTimestamp ?? new Date(nowMs).toISOString());
    const className =
      spec.storageClassName === undefined ? defaultClass(context)?.metadata.name : spec.storageClassName;
    const storageClass = className ? context.store.get('storage.k8s.io/StorageClass', undefined, className) : undefined;
    if (!storageClass) {
      const retries = periodic(createdMs, nowMs, 15_000);
      const isMissingClass = Boolean(className);
      context.events.record({
        involved: claim,
        type: 'Warning',
        reason: isMissingClass ? 'ProvisioningFailed' : 'FailedBinding',
        component: 'persistentvolume-controller',
        message: isMissingClass
          ? `storageclass.storage.k8s.io "${className ?? ''}" not found`
          : 'no persistent volumes available for this claim and no storage class is set',
        firstMs: createdMs,
        lastMs: retries.lastAttemptMs,
        count: retries.attempts,
      });
      context.memory.timeDependentNamespaces.add(namespace);
      putIfChanged(context, claim, { ...claim, status: { phase: 'Pending' } });
      continue;
    }
    const provisioner = String(storageClass.provisioner ?? 'kubernetes.io/no-provisioner');
    const volumeName = `pvc-${claim.metadata.uid ?? claim.metadata.name}`;
    const storage = spec.resources?.requests?.storage ?? '1Gi';
    const boundMs = Math.max(createdMs, Date.parse(storageClass.metadata.creationTimestamp ?? '0'));
    const atMs = Math.min(boundMs, nowMs);
    context.events.record({
      involved: claim,
      type: 'Normal',
      reason: 'ProvisioningSucceeded',
      component: `${provisioner}_sandbox-csi-controller`,
      message: `Successfully provisioned volume ${volumeName}`,
      firstMs: atMs,
      lastMs: atMs,
      count: 1,
    });
    context.store.put('/PersistentVolume', {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        name: volumeName,
        uid: `${claim.metadata.uid ?? ''}`.replace(/^.{8}/, 'f0f0f0f0'),
        creationTimestamp: isoSeconds(atMs),
        annotations: { 'pv.kubernetes.io/provisioned-by': provisioner },
      },
      spec: {
        accessModes: spec.accessModes ?? ['ReadWriteOnce'],
        capacity: { storage },
        claimRef: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          name: claim.metadata.name,
          namespace,
          uid: claim.metadata.uid,
        },
        csi: {
          driver: provisioner,
          volumeHandle: `vol-${(claim.metadata.uid ?? '').replaceAll('-', '').slice(0, 17)}`,
          fsType: 'ext4',
        },
        persistentVolumeReclaimPolicy: String(storageClass.reclaimPolicy ?? 'Delete'),
        storageClassName: storageClass.metadata.name,
        volumeMode: spec.volumeMode ?? 'Filesystem',
      },
      status: { phase: 'Bound' },
    });
    putIfChanged(context, claim, {
      ...claim,
      metadata: {
        ...claim.metadata,
        annotations: {
          ...(claim.metadata.annotations ?? {}),
          'pv.kubernetes.io/bind-completed': 'yes',
          'pv.kubernetes.io/bound-by-controller': 'yes',
          'volume.beta.kubernetes.io/storage-provisioner': provisioner,
          'volume.kubernetes.io/storage-provisioner': provisioner,
        },
        finalizers: ['kubernetes.io/pvc-protection'],
      },
      spec: { ...spec, storageClassName: storageClass.metadata.name, volumeName },
      status: { phase: 'Bound', accessModes: spec.accessModes ?? ['ReadWriteOnce'], capacity: { storage } },
    });
  }
}
