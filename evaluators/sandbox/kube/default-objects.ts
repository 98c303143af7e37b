/**
 * What a fresh simulated cluster holds before any scenario is loaded: worker nodes, the system
 * namespaces, the `kubernetes` and `kube-dns` Services with CoreDNS, and a default StorageClass.
 */
import type { KubeObject } from './cluster-api.js';

/** Sizing of generated worker nodes. */
export interface WorkerNodeOptions {
  /** Cores per node (default 4). */
  cpu?: number;
  /** Memory per node in GiB (default 16). */
  memoryGiB?: number;
  /** Pod capacity per node (default 110, the kubelet default). */
  pods?: number;
  /** Instance type label (default `m6i.xlarge`). */
  instanceType?: string;
  /** Region label (default `eu-west-1`). */
  region?: string;
}

/** Kubernetes version the simulated clusters report. */
export const KUBE_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.2' };

/**
 * `count` Ready worker nodes named `<cluster>-worker-<n>`, spread over three zones, with
 * capacity and allocatable like a real node (kube/system reservations subtracted).
 */
export function createWorkerNodes(clusterName: string, count = 3, options: WorkerNodeOptions = {}): KubeObject[] {
  const cpu = options.cpu ?? 4;
  const memoryGiB = options.memoryGiB ?? 16;
  const pods = options.pods ?? 110;
  const region = options.region ?? 'eu-west-1';
  const zones = ['a', 'b', 'c'];
  const nodes: KubeObject[] = [];
  for (let index = 1; index <= count; index++) {
    const name = `${clusterName}-worker-${index}`;
    const zone = `${region}${zones[(index - 1) % zones.length] ?? 'a'}`;
    const memoryKi = memoryGiB * 1024 * 1024;
    nodes.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: {
          'beta.kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'node.kubernetes.io/instance-type': options.instanceType ?? 'm6i.xlarge',
          'topology.kubernetes.io/region': region,
          'topology.kubernetes.io/zone': zone,
        },
        annotations: {
          'node.alpha.kubernetes.io/ttl': '0',
          'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        },
      },
      spec: {
        podCIDR: `10.244.${index}.0/24`,
        podCIDRs: [`10.244.${index}.0/24`],
        providerID: `sandbox://${clusterName}/${name}`,
      },
      status: {
        capacity: { cpu: String(cpu), 'ephemeral-storage': '104845292Ki', memory: `${memoryKi}Ki`, pods: String(pods) },
        allocatable: {
          cpu: `${cpu * 1000 - 80}m`,
          'ephemeral-storage': '95551679124',
          memory: `${memoryKi - 1024 * 1024 + 262144}Ki`,
          pods: String(pods),
        },
        conditions: [
          nodeCondition(
            'MemoryPressure',
            'False',
            'KubeletHasSufficientMemory',
            'kubelet has sufficient memory available',
          ),
          nodeCondition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
          nodeCondition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
          nodeCondition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
        ],
        addresses: [
          { type: 'InternalIP', address: `10.0.${index}.${10 + index}` },
          { type: 'Hostname', address: name },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          architecture: 'amd64',
          bootID: `sandbox-${clusterName}-${index}`,
          containerRuntimeVersion: 'containerd://1.7.24',
          kernelVersion: '6.1.119-129.201.amzn2023.x86_64',
          kubeProxyVersion: KUBE_VERSION.gitVersion,
          kubeletVersion: KUBE_VERSION.gitVersion,
          machineID: `sandbox${index}`,
          operatingSystem: 'linux',
          osImage: 'Amazon Linux 2023.6.20250107',
          systemUUID: `sandbox-${index}`,
        },
      },
    });
  }
  return nodes;
}

function nodeCondition(type: string, status: string, reason: string, message: string): Record<string, string> {
  const at = '2025-01-01T00:00:00Z';
  return { type, status, reason, message, lastHeartbeatTime: at, lastTransitionTime: at };
}

/** Namespaces and objects every cluster starts with (besides nodes). */
export function systemObjects(): KubeObject[] {
  const namespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'].map((name) => namespaceObject(name));
  return [
    ...namespaces,
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3' },
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
      allowVolumeExpansion: true,
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.96.0.1',
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kube-dns',
        namespace: 'kube-system',
        labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' },
      },
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.96.0.10',
        selector: { 'k8s-app': 'kube-dns' },
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        ],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        template: {
          metadata: { labels: { 'k8s-app': 'kube-dns' } },
          spec: {
            priorityClassName: 'system-cluster-critical',
            containers: [
              {
                name: 'coredns',
                image: 'registry.k8s.io/coredns/coredns:v1.11.3',
                args: ['-conf', '/etc/coredns/Corefile'],
                ports: [
                  { name: 'dns', containerPort: 53, protocol: 'UDP' },
                  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                  { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
                ],
                resources: { requests: { cpu: '100m', memory: '70Mi' }, limits: { memory: '170Mi' } },
              },
            ],
          },
        },
      },
    },
  ];
}

/** A Namespace object in phase Active. */
export function namespaceObject(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}
