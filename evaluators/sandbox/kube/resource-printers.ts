/**
 * Table printers of the non-workload kinds (services, endpoints, events, nodes, config, storage,
 * ingress, quotas, autoscalers), columns as the real API server returns them.
 */
import { ageSince } from './human-duration.js';
import { type J, type Printer, col, none, selectorText, servicePorts, accessModes } from './table-printing.js';

/** Printers of the other built-in kinds. */
export const RESOURCE_PRINTERS: Record<string, Printer> = {
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
