/**
 * Server-side printing: `meta.k8s.io/v1` Table responses with the columns the real API server
 * returns per kind (pods: Ready/Status/Restarts/Age, events: Last Seen/Type/Reason/Object/
 * Message, ...), custom resources from their CRD printer columns, NAME/AGE otherwise.
 */
import type { KubeObject } from './cluster-api.js';
import { ageSince, humanDuration } from './human-duration.js';
import { printerColumns } from '../kyverno/crds.js';
import { evaluateJsonPath } from './json-path.js';

/** One column definition of a Table. */
export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

interface Printer {
  columns: TableColumn[];
  cells(object: KubeObject, now: Date): unknown[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- printers read deep, schemaless status fields
type J = Record<string, any>;

function col(name: string, type = 'string', priority = 0, format = ''): TableColumn {
  return { name, type, format: name === 'Name' ? 'name' : format, description: `${name} of the object`, priority };
}

const none = '<none>';

function podStatusReason(pod: KubeObject): {
  reason: string;
  ready: number;
  total: number;
  restarts: number;
  lastRestartMs?: number;
} {
  const status = (pod.status ?? {}) as J;
  let reason: string = status.reason ?? status.phase ?? 'Pending';
  const containers: J[] = status.containerStatuses ?? [];
  const total = ((pod.spec as J | undefined)?.containers ?? []).length;
  let ready = 0;
  let restarts = 0;
  let lastRestartMs: number | undefined;
  let initializing = false;
  const inits: J[] = status.initContainerStatuses ?? [];
  for (const [i, init] of inits.entries()) {
    restarts += init.restartCount ?? 0;
    if (init.state?.terminated?.exitCode === 0) continue;
    initializing = true;
    if (init.state?.terminated)
      reason = `Init:${init.state.terminated.reason ?? `ExitCode:${init.state.terminated.exitCode}`}`;
    else if (init.state?.waiting?.reason && init.state.waiting.reason !== 'PodInitializing')
      reason = `Init:${init.state.waiting.reason}`;
    else reason = `Init:${i}/${inits.length}`;
    break;
  }
  let hasRunning = false;
  for (const container of [...containers].reverse()) {
    restarts += container.restartCount ?? 0;
    const finished = container.lastState?.terminated?.finishedAt;
    if (finished) lastRestartMs = Math.max(lastRestartMs ?? 0, Date.parse(finished));
    if (initializing) continue;
    if (container.state?.waiting?.reason) reason = container.state.waiting.reason;
    else if (container.state?.terminated?.reason) reason = container.state.terminated.reason;
    else if (container.state?.terminated)
      reason = container.state.terminated.signal
        ? `Signal:${container.state.terminated.signal}`
        : `ExitCode:${container.state.terminated.exitCode}`;
    else if (container.state?.running && container.ready) {
      hasRunning = true;
      ready += 1;
    }
  }
  if (!initializing && reason === 'Completed' && hasRunning) {
    const isReady = (status.conditions ?? []).some((c: J) => c.type === 'Ready' && c.status === 'True');
    reason = isReady ? 'Running' : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp) reason = 'Terminating';
  return { reason, ready, total, restarts, ...(lastRestartMs !== undefined ? { lastRestartMs } : {}) };
}

function selectorText(selector: J | undefined): string {
  if (!selector) return none;
  const parts = Object.entries(selector.matchLabels ?? selector)
    .filter(([, v]) => typeof v === 'string')
    .map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? parts.join(',') : none;
}

function containersOf(template: J | undefined): { names: string; images: string } {
  const containers: J[] = template?.spec?.containers ?? [];
  return { names: containers.map((c) => c.name).join(','), images: containers.map((c) => c.image).join(',') };
}

function servicePorts(spec: J): string {
  const ports: J[] = spec.ports ?? [];
  if (ports.length === 0) return none;
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function accessModes(modes: string[] | undefined): string {
  const short: Record<string, string> = {
    ReadWriteOnce: 'RWO',
    ReadOnlyMany: 'ROX',
    ReadWriteMany: 'RWX',
    ReadWriteOncePod: 'RWOP',
  };
  return (modes ?? []).map((m) => short[m] ?? m).join(',');
}

const PRINTERS: Record<string, Printer> = {
  Pod: {
    columns: [
      col('Name'),
      col('Ready'),
      col('Status'),
      col('Restarts'),
      col('Age'),
      col('IP', 'string', 1),
      col('Node', 'string', 1),
      col('Nominated Node', 'string', 1),
      col('Readiness Gates', 'string', 1),
    ],
    cells(pod, now) {
      const info = podStatusReason(pod);
      const restarts =
        info.lastRestartMs !== undefined && info.restarts > 0
          ? `${info.restarts} (${humanDuration(now.getTime() - info.lastRestartMs)} ago)`
          : info.restarts;
      const status = pod.status as J | undefined;
      return [
        pod.metadata.name,
        `${info.ready}/${info.total}`,
        info.reason,
        restarts,
        ageSince(pod.metadata.creationTimestamp, now),
        status?.podIP ?? none,
        (pod.spec as J).nodeName ?? none,
        status?.nominatedNodeName ?? none,
        none,
      ];
    },
  },
  Deployment: {
    columns: [
      col('Name'),
      col('Ready'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells(d, now) {
      const spec = d.spec as J;
      const status = (d.status ?? {}) as J;
      const c = containersOf(spec.template);
      return [
        d.metadata.name,
        `${status.readyReplicas ?? 0}/${spec.replicas ?? 1}`,
        status.updatedReplicas ?? 0,
        status.availableReplicas ?? 0,
        ageSince(d.metadata.creationTimestamp, now),
        c.names,
        c.images,
        selectorText(spec.selector),
      ];
    },
  },
  ReplicaSet: {
    columns: [
      col('Name'),
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells(rs, now) {
      const spec = rs.spec as J;
      const status = (rs.status ?? {}) as J;
      const c = containersOf(spec.template);
      return [
        rs.metadata.name,
        spec.replicas ?? 1,
        status.replicas ?? 0,
        status.readyReplicas ?? 0,
        ageSince(rs.metadata.creationTimestamp, now),
        c.names,
        c.images,
        selectorText(spec.selector),
      ];
    },
  },
  StatefulSet: {
    columns: [col('Name'), col('Ready'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1)],
    cells(s, now) {
      const spec = s.spec as J;
      const c = containersOf(spec.template);
      return [
        s.metadata.name,
        `${(s.status as J | undefined)?.readyReplicas ?? 0}/${spec.replicas ?? 1}`,
        ageSince(s.metadata.creationTimestamp, now),
        c.names,
        c.images,
      ];
    },
  },
  DaemonSet: {
    columns: [
      col('Name'),
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Node Selector'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells(ds, now) {
      const spec = ds.spec as J;
      const st = (ds.status ?? {}) as J;
      const c = containersOf(spec.template);
      return [
        ds.metadata.name,
        st.desiredNumberScheduled ?? 0,
        st.currentNumberScheduled ?? 0,
        st.numberReady ?? 0,
        st.updatedNumberScheduled ?? 0,
        st.numberAvailable ?? 0,
        selectorText(spec.template?.spec?.nodeSelector),
        ageSince(ds.metadata.creationTimestamp, now),
        c.names,
        c.images,
        selectorText(spec.selector),
      ];
    },
  },
  Job: {
    columns: [
      col('Name'),
      col('Status'),
      col('Completions'),
      col('Duration'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells(job, now) {
      const spec = job.spec as J;
      const st = (job.status ?? {}) as J;
      const conditions: J[] = st.conditions ?? [];
      const status = conditions.some((c) => c.type === 'Complete' && c.status === 'True')
        ? 'Complete'
        : conditions.some((c) => c.type === 'Failed' && c.status === 'True')
          ? 'Failed'
          : 'Running';
      const end = st.completionTime ? Date.parse(st.completionTime) : now.getTime();
      const duration = st.startTime ? humanDuration(end - Date.parse(st.startTime)) : '';
      const c = containersOf(spec.template);
      return [
        job.metadata.name,
        status,
        `${st.succeeded ?? 0}/${spec.completions ?? 1}`,
        duration,
        ageSince(job.metadata.creationTimestamp, now),
        c.names,
        c.images,
        selectorText(spec.selector),
      ];
    },
  },
  Service: {
    columns: [
      col('Name'),
      col('Type'),
      col('Cluster-IP'),
      col('External-IP'),
      col('Port(s)'),
      col('Age'),
      col('Selector', 'string', 1),
    ],
    cells(svc, now) {
      const spec = svc.spec as J;
      const ingress: J[] = (svc.status as J | undefined)?.loadBalancer?.ingress ?? [];
      const external =
        spec.type === 'LoadBalancer'
          ? ingress.map((i) => i.ip ?? i.hostname).join(',') || '<pending>'
          : spec.type === 'ExternalName'
            ? spec.externalName
            : (spec.externalIPs ?? []).join(',') || none;
      return [
        svc.metadata.name,
        spec.type ?? 'ClusterIP',
        spec.clusterIP ?? none,
        external,
        servicePorts(spec),
        ageSince(svc.metadata.creationTimestamp, now),
        selectorText(spec.selector),
      ];
    },
  },
  Endpoints: {
    columns: [col('Name'), col('Endpoints'), col('Age')],
    cells(ep, now) {
      const pairs: string[] = [];
      for (const subset of (ep.subsets as J[] | undefined) ?? []) {
        for (const address of (subset.addresses ?? []) as J[])
          for (const port of (subset.ports ?? [{}]) as J[])
            pairs.push(port.port ? `${address.ip}:${port.port}` : address.ip);
      }
      const shown = pairs.length > 3 ? `${pairs.slice(0, 3).join(',')} + ${pairs.length - 3} more...` : pairs.join(',');
      return [ep.metadata.name, shown || none, ageSince(ep.metadata.creationTimestamp, now)];
    },
  },
  EndpointSlice: {
    columns: [col('Name'), col('AddressType'), col('Ports'), col('Endpoints'), col('Age')],
    cells(slice, now) {
      const s = slice as J;
      const ports: J[] = s.ports ?? [];
      const addresses: string[] = ((s.endpoints ?? []) as J[]).flatMap((e) => (e.addresses ?? []) as string[]);
      const shown =
        addresses.length > 3
          ? `${addresses.slice(0, 3).join(',')} + ${addresses.length - 3} more...`
          : addresses.join(',');
      return [
        slice.metadata.name,
        s.addressType,
        ports.map((p) => p.port).join(',') || '<unset>',
        shown || '<unset>',
        ageSince(slice.metadata.creationTimestamp, now),
      ];
    },
  },
  Event: {
    columns: [
      col('Last Seen'),
      col('Type'),
      col('Reason'),
      col('Object'),
      col('Subobject', 'string', 1),
      col('Source', 'string', 1),
      col('Message'),
      col('First Seen', 'string', 1),
      col('Count', 'string', 1),
      col('Name', 'string', 1),
    ],
    cells(event, now) {
      const e = event as J;
      const last = ageSince(e.lastTimestamp ?? e.eventTime, now);
      const lastSeen = (e.count ?? 1) > 1 ? `${last} (x${e.count} over ${ageSince(e.firstTimestamp, now)})` : last;
      const source = e.source?.host
        ? `${e.source.component}, ${e.source.host}`
        : (e.source?.component ?? e.reportingComponent ?? '');
      return [
        lastSeen,
        e.type,
        e.reason,
        `${String(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`,
        e.involvedObject?.fieldPath ?? '',
        source,
        e.message,
        ageSince(e.firstTimestamp, now),
        e.count ?? 1,
        event.metadata.name,
      ];
    },
  },
  Node: {
    columns: [
      col('Name'),
      col('Status'),
      col('Roles'),
      col('Age'),
      col('Version'),
      col('Internal-IP', 'string', 1),
      col('External-IP', 'string', 1),
      col('OS-Image', 'string', 1),
      col('Kernel-Version', 'string', 1),
      col('Container-Runtime', 'string', 1),
    ],
    cells(node, now) {
      const st = (node.status ?? {}) as J;
      const ready = (st.conditions ?? []).find((c: J) => c.type === 'Ready');
      let status = ready?.status === 'True' ? 'Ready' : 'NotReady';
      if ((node.spec as J | undefined)?.unschedulable) status += ',SchedulingDisabled';
      const roles =
        Object.keys(node.metadata.labels ?? {})
          .filter((k) => k.startsWith('node-role.kubernetes.io/'))
          .map((k) => k.split('/')[1])
          .join(',') || none;
      const address = (type: string): string => (st.addresses ?? []).find((a: J) => a.type === type)?.address ?? none;
      return [
        node.metadata.name,
        status,
        roles,
        ageSince(node.metadata.creationTimestamp, now),
        st.nodeInfo?.kubeletVersion ?? '',
        address('InternalIP'),
        address('ExternalIP'),
        st.nodeInfo?.osImage ?? '',
        st.nodeInfo?.kernelVersion ?? '',
        st.nodeInfo?.containerRuntimeVersion ?? '',
      ];
    },
  },
  Namespace: {
    columns: [col('Name'), col('Status'), col('Age')],
    cells: (ns, now) => [
      ns.metadata.name,
      (ns.status as J | undefined)?.phase ?? 'Active',
      ageSince(ns.metadata.creationTimestamp, now),
    ],
  },
  ConfigMap: {
    columns: [col('Name'), col('Data', 'integer'), col('Age')],
    cells: (cm, now) => [
      cm.metadata.name,
      Object.keys((cm.data as J | undefined) ?? {}).length + Object.keys((cm.binaryData as J | undefined) ?? {}).length,
      ageSince(cm.metadata.creationTimestamp, now),
    ],
  },
  Secret: {
    columns: [col('Name'), col('Type'), col('Data', 'integer'), col('Age')],
    cells: (s, now) => [
      s.metadata.name,
      (s.type as string | undefined) ?? 'Opaque',
      Object.keys((s.data as J | undefined) ?? {}).length,
      ageSince(s.metadata.creationTimestamp, now),
    ],
  },
  ServiceAccount: {
    columns: [col('Name'), col('Secrets', 'integer'), col('Age')],
    cells: (sa, now) => [
      sa.metadata.name,
      ((sa.secrets as unknown[] | undefined) ?? []).length,
      ageSince(sa.metadata.creationTimestamp, now),
    ],
  },
  PersistentVolumeClaim: {
    columns: [
      col('Name'),
      col('Status'),
      col('Volume'),
      col('Capacity'),
      col('Access Modes'),
      col('StorageClass'),
      col('VolumeAttributesClass'),
      col('Age'),
      col('VolumeMode', 'string', 1),
    ],
    cells(pvc, now) {
      const spec = pvc.spec as J;
      const st = (pvc.status ?? {}) as J;
      return [
        pvc.metadata.name,
        st.phase ?? 'Pending',
        spec.volumeName ?? '',
        st.capacity?.storage ?? '',
        accessModes(st.accessModes),
        spec.storageClassName ?? '',
        spec.volumeAttributesClassName ?? '<unset>',
        ageSince(pvc.metadata.creationTimestamp, now),
        spec.volumeMode ?? 'Filesystem',
      ];
    },
  },
  PersistentVolume: {
    columns: [
      col('Name'),
      col('Capacity'),
      col('Access Modes'),
      col('Reclaim Policy'),
      col('Status'),
      col('Claim'),
      col('StorageClass'),
      col('VolumeAttributesClass'),
      col('Reason'),
      col('Age'),
    ],
    cells(pv, now) {
      const spec = pv.spec as J;
      const claim = spec.claimRef ? `${spec.claimRef.namespace}/${spec.claimRef.name}` : '';
      return [
        pv.metadata.name,
        spec.capacity?.storage ?? '',
        accessModes(spec.accessModes),
        spec.persistentVolumeReclaimPolicy ?? 'Delete',
        (pv.status as J | undefined)?.phase ?? 'Available',
        claim,
        spec.storageClassName ?? '',
        '<unset>',
        '',
        ageSince(pv.metadata.creationTimestamp, now),
      ];
    },
  },
  StorageClass: {
    columns: [
      col('Name'),
      col('Provisioner'),
      col('ReclaimPolicy'),
      col('VolumeBindingMode'),
      col('AllowVolumeExpansion'),
      col('Age'),
    ],
    cells(sc, now) {
      const isDefault = sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true';
      return [
        `${sc.metadata.name}${isDefault ? ' (default)' : ''}`,
        sc.provisioner,
        sc.reclaimPolicy ?? 'Delete',
        sc.volumeBindingMode ?? 'Immediate',
        String(sc.allowVolumeExpansion ?? false),
        ageSince(sc.metadata.creationTimestamp, now),
      ];
    },
  },
  Ingress: {
    columns: [col('Name'), col('Class'), col('Hosts'), col('Address'), col('Ports'), col('Age')],
    cells(ing, now) {
      const spec = ing.spec as J;
      const hosts = ((spec.rules ?? []) as J[]).map((r) => r.host ?? '*').join(',') || '*';
      const address = (((ing.status as J | undefined)?.loadBalancer?.ingress ?? []) as J[])
        .map((i) => i.ip ?? i.hostname)
        .join(',');
      return [
        ing.metadata.name,
        spec.ingressClassName ?? none,
        hosts,
        address,
        spec.tls ? '80, 443' : '80',
        ageSince(ing.metadata.creationTimestamp, now),
      ];
    },
  },
  ResourceQuota: {
    columns: [col('Name'), col('Age'), col('Request'), col('Limit')],
    cells(quota, now) {
      const st = (quota.status ?? {}) as J;
      const hard: Record<string, string> = st.hard ?? (quota.spec as J).hard ?? {};
      const used: Record<string, string> = st.used ?? {};
      const entries = Object.keys(hard).sort();
      const format = (keys: string[]): string => keys.map((k) => `${k}: ${used[k] ?? '0'}/${hard[k]}`).join(', ');
      return [
        quota.metadata.name,
        ageSince(quota.metadata.creationTimestamp, now),
        format(entries.filter((k) => !k.startsWith('limits.'))),
        format(entries.filter((k) => k.startsWith('limits.'))),
      ];
    },
  },
  HorizontalPodAutoscaler: {
    columns: [
      col('Name'),
      col('Reference'),
      col('Targets'),
      col('MinPods', 'integer'),
      col('MaxPods', 'integer'),
      col('Replicas', 'integer'),
      col('Age'),
    ],
    cells(hpa, now) {
      const spec = hpa.spec as J;
      const metrics =
        ((spec.metrics ?? []) as J[])
          .map((m) => `cpu: <unknown>/${m.resource?.target?.averageUtilization ?? '?'}%`)
          .join(', ') || '<none>';
      return [
        hpa.metadata.name,
        `${spec.scaleTargetRef?.kind}/${spec.scaleTargetRef?.name}`,
        metrics,
        spec.minReplicas ?? 1,
        spec.maxReplicas,
        (hpa.status as J | undefined)?.currentReplicas ?? 0,
        ageSince(hpa.metadata.creationTimestamp, now),
      ];
    },
  },
};

const DEFAULT_PRINTER: Printer = {
  columns: [col('Name'), col('Age')],
  cells: (object, now) => [object.metadata.name, ageSince(object.metadata.creationTimestamp, now)],
};

function printerFor(kind: string): Printer {
  const builtIn = PRINTERS[kind];
  if (builtIn) return builtIn;
  const custom = printerColumns(kind);
  if (!custom) return DEFAULT_PRINTER;
  return {
    columns: [col('Name'), ...custom.map((c) => col(c.name, c.type === 'date' ? 'date' : c.type, c.priority ?? 0))],
    cells: (object, now) => [
      object.metadata.name,
      ...custom.map((c) => {
        const value = evaluateJsonPath(object, c.jsonPath);
        if (c.type === 'date') return value === undefined ? '<unknown>' : ageSince(value, now);
        return value === undefined ? null : value;
      }),
    ],
  };
}

/** What each row carries as its object (the `includeObject` query parameter). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Builds a Table for the objects of one kind. */
export function buildTable(
  kind: string,
  objects: KubeObject[],
  now: Date,
  includeObject: IncludeObject,
  metadata: Record<string, unknown>,
): Record<string, unknown> {
  const printer = printerFor(kind);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: printer.columns,
    rows: objects.map((object) => ({
      cells: printer.cells(object, now),
      ...(includeObject === 'None'
        ? {}
        : {
            object:
              includeObject === 'Object'
                ? object
                : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata },
          }),
    })),
  };
}
