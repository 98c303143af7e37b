/**
 * The CustomResourceDefinitions a cluster with Kyverno installed serves: kyverno.io
 * ClusterPolicy/Policy and wgpolicyk8s.io/v1alpha2 PolicyReport/ClusterPolicyReport, with the
 * printer columns `kubectl get` shows. Schemas are kept open (the report field shapes are
 * documented in the upstream CRDs; the simulation writes them).
 */
import type { KubeObject } from '../kube/cluster-api.js';
import { stableUid } from '../kube/stable-id.js';

interface Column {
  name: string;
  type: string;
  jsonPath: string;
  priority?: number;
  description?: string;
}

const POLICY_COLUMNS: Column[] = [
  { name: 'ADMISSION', type: 'boolean', jsonPath: '.spec.admission' },
  { name: 'BACKGROUND', type: 'boolean', jsonPath: '.spec.background' },
  { name: 'READY', type: 'string', jsonPath: '.status.conditions[?(@.type == "Ready")].status' },
  { name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  { name: 'FAILURE POLICY', type: 'string', jsonPath: '.spec.failurePolicy', priority: 1 },
  { name: 'VALIDATE', type: 'integer', jsonPath: '.status.rulecount.validate', priority: 1 },
  { name: 'MUTATE', type: 'integer', jsonPath: '.status.rulecount.mutate', priority: 1 },
  { name: 'GENERATE', type: 'integer', jsonPath: '.status.rulecount.generate', priority: 1 },
  { name: 'VERIFY IMAGES', type: 'integer', jsonPath: '.status.rulecount.verifyimages', priority: 1 },
  { name: 'MESSAGE', type: 'string', jsonPath: '.status.conditions[?(@.type == "Ready")].message' },
];

const REPORT_COLUMNS: Column[] = [
  { name: 'Kind', type: 'string', jsonPath: '.scope.kind' },
  { name: 'Name', type: 'string', jsonPath: '.scope.name' },
  { name: 'Pass', type: 'integer', jsonPath: '.summary.pass' },
  { name: 'Fail', type: 'integer', jsonPath: '.summary.fail' },
  { name: 'Warn', type: 'integer', jsonPath: '.summary.warn' },
  { name: 'Error', type: 'integer', jsonPath: '.summary.error' },
  { name: 'Skip', type: 'integer', jsonPath: '.summary.skip' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

function crd(
  group: string,
  version: string,
  kind: string,
  plural: string,
  singular: string,
  scope: 'Namespaced' | 'Cluster',
  shortNames: string[],
  columns: Column[],
  categories: string[],
  createdAt: string,
): KubeObject {
  const name = `${plural}.${group}`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name,
      uid: stableUid(`crd|${name}`),
      creationTimestamp: createdAt,
      labels: { 'app.kubernetes.io/part-of': 'kyverno' },
    },
    spec: {
      group,
      names: {
        kind,
        listKind: `${kind}List`,
        plural,
        singular,
        shortNames,
        ...(categories.length ? { categories } : {}),
      },
      scope,
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          additionalPrinterColumns: columns,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          subresources: kind.endsWith('Policy') ? { status: {} } : undefined,
        },
      ],
    },
    status: {
      acceptedNames: { kind, listKind: `${kind}List`, plural, singular, shortNames },
      conditions: [
        {
          type: 'NamesAccepted',
          status: 'True',
          reason: 'NoConflicts',
          message: 'no conflicts found',
          lastTransitionTime: createdAt,
        },
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
          lastTransitionTime: createdAt,
        },
      ],
      storedVersions: [version],
    },
  };
}

/** The four CRDs, created at `createdAt`. */
export function kyvernoCustomResourceDefinitions(createdAt: string): KubeObject[] {
  return [
    crd(
      'kyverno.io',
      'v1',
      'ClusterPolicy',
      'clusterpolicies',
      'clusterpolicy',
      'Cluster',
      ['cpol'],
      POLICY_COLUMNS,
      ['kyverno'],
      createdAt,
    ),
    crd(
      'kyverno.io',
      'v1',
      'Policy',
      'policies',
      'policy',
      'Namespaced',
      ['pol'],
      POLICY_COLUMNS,
      ['kyverno'],
      createdAt,
    ),
    crd(
      'wgpolicyk8s.io',
      'v1alpha2',
      'PolicyReport',
      'policyreports',
      'policyreport',
      'Namespaced',
      ['polr'],
      REPORT_COLUMNS,
      [],
      createdAt,
    ),
    crd(
      'wgpolicyk8s.io',
      'v1alpha2',
      'ClusterPolicyReport',
      'clusterpolicyreports',
      'clusterpolicyreport',
      'Cluster',
      ['cpolr'],
      REPORT_COLUMNS,
      [],
      createdAt,
    ),
  ];
}

/** Printer columns of a custom resource kind (for Table responses). */
export function printerColumns(kind: string): Column[] | undefined {
  if (kind === 'ClusterPolicy' || kind === 'Policy') return POLICY_COLUMNS;
  if (kind === 'PolicyReport' || kind === 'ClusterPolicyReport') return REPORT_COLUMNS;
  return undefined;
}
