import { z } from 'zod';

/** Skills a scenario may expect (the skill library ships one folder per name). */
export const EXPECTED_SKILLS = [
  'image-pull-errors',
  'crashloop-missing-config',
  'oomkilled',
  'probe-failures',
  'missing-configmap-or-secret',
  'pod-scheduling-failures',
  'resource-quota-exceeded',
  'pvc-pending',
  'service-connectivity',
  'argocd-sync-failures',
  'kyverno-policy-violations',
  'argocd-drift',
] as const;

const dnsName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase DNS label (a-z, 0-9, -)');

/**
 * A point in time: an RFC 3339 date, or an offset before sandbox start such as `-3d`, `-2h30m`,
 * `-45m` (relative times keep the story coherent with the pods' ages).
 */
export const timeSchema = z
  .string()
  .refine(
    (value) => /^-(\d+[dhms])+$/.test(value) || !Number.isNaN(Date.parse(value)),
    'must be an RFC 3339 date or a relative offset like -2h30m',
  );

const kubeObjectSchema = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().optional() }),
});

const imageSchema = z.strictObject({
  repository: z.string().min(1),
  tags: z.array(z.string()).min(1),
  requiredEnv: z.array(z.string()).optional(),
  requiredFiles: z.array(z.string()).optional(),
  listenPort: z.number().int().positive().optional(),
  memoryMiB: z.number().positive().optional(),
  startupLog: z.array(z.string()).optional(),
  calls: z.array(z.string()).optional(),
  crashLog: z.array(z.string()).optional(),
  missingTag: z.enum(['not-found', 'manifest-unknown']).optional(),
  pullSecret: z.string().optional(),
  exitCode: z.number().int().min(1).max(255).optional(),
  memoryGrowthMiBPerMinute: z.number().positive().optional(),
  cpuMillicores: z.number().int().positive().optional(),
  isReadyOnlyWithCalls: z.boolean().optional(),
});

const clusterSchema = z.strictObject({
  name: dnsName,
  /** Namespaces that exist from the start (besides the system ones). */
  namespaces: z.array(dnsName).default([]),
  /** Node objects replacing the default three workers. */
  nodes: z.array(kubeObjectSchema).optional(),
  /** Objects that exist outside Argo CD (quotas, storage classes, secrets, other teams' apps). */
  objects: z.array(kubeObjectSchema).default([]),
  /** Kyverno ClusterPolicy/Policy objects, installed before anything is deployed. */
  policies: z.array(kubeObjectSchema).default([]),
});

const appSchema = z.strictObject({
  name: dnsName,
  project: z.string().default('default'),
  /** Directory in the git repo (plain YAML, or a kustomization). */
  path: z.string().min(1),
  targetRevision: z.string().default('HEAD'),
  /** A Helm chart in `path` (a Chart.yaml): `spec.source.helm` of the Application. */
  helm: z
    .strictObject({
      valueFiles: z.array(z.string()).optional(),
      values: z.string().optional(),
      valuesObject: z.record(z.string(), z.unknown()).optional(),
      parameters: z.array(z.strictObject({ name: z.string(), value: z.string() })).optional(),
    })
    .optional(),
  destination: z.strictObject({ cluster: dnsName, namespace: dnsName }),
  syncPolicy: z
    .strictObject({
      automated: z.strictObject({ prune: z.boolean().default(false), selfHeal: z.boolean().default(false) }).optional(),
      syncOptions: z.array(z.string()).optional(),
    })
    .optional(),
  labels: z.record(z.string(), z.string()).optional(),
});

const argocdSchema = z.strictObject({
  name: dnsName,
  apps: z.array(appSchema).default([]),
});

const commitSchema = z.strictObject({
  message: z.string().min(1),
  author: z.string().min(1),
  date: timeSchema,
  files: z.record(z.string(), z.string()).default({}),
  delete: z.array(z.string()).default([]),
});

const noiseEventSchema = z.strictObject({
  cluster: dnsName,
  namespace: dnsName,
  involvedObject: z.strictObject({ kind: z.string(), name: z.string(), apiVersion: z.string().optional() }),
  reason: z.string(),
  message: z.string(),
  type: z.enum(['Normal', 'Warning']).default('Warning'),
  count: z.number().int().positive().default(1),
  firstSeen: timeSchema.default('-1h'),
  lastSeen: timeSchema.default('-5m'),
});

const changeSchema = z.strictObject({
  cluster: dnsName,
  at: timeSchema,
  /** Who made it (recorded as the field manager), e.g. `kubectl-edit`. */
  by: z.string().default('kubectl-edit'),
  object: kubeObjectSchema,
});

const fileEditSchema = z.union([
  z.strictObject({ path: z.string(), find: z.string().min(1), replace: z.string() }),
  z.strictObject({ path: z.string(), content: z.string() }),
]);

const healSchema = z.strictObject({
  message: z.string().min(1),
  /** Git edits; empty when the fix is a sync (drift) rather than a change. */
  edits: z.array(fileEditSchema).default([]),
});

/** Facts an answer must (or must not) state: short phrases, matched case-insensitively. */
const factsSchema = z.array(z.string().min(1));

/**
 * What a correct answer states, graded by part (see `evaluators/runner/judge.ts`). Older files
 * wrote the healing change as `fix: { message, edits }`; an object-valued `fix` is read as `heal`.
 */
const expectSchema = z.preprocess(
  (value) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
    const { fix, ...rest } = value as Record<string, unknown>;
    if (fix && typeof fix === 'object' && !Array.isArray(fix) && rest.heal === undefined) return { ...rest, heal: fix };
    return value;
  },
  z.strictObject({
    /** The app the question is about. */
    app: z.strictObject({ instance: dnsName, name: dnsName }),
    /** Facts the root-cause statement (or the summary) must state, matched case-insensitively. */
    rootCause: factsSchema.min(1),
    /**
     * The skill that should answer: a bundled one, or one the correction loop scaffolded (a
     * regression scenario travels with its skill; `skills ci` checks the skill exists).
     */
    skill: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a skill name (lowercase, hyphens)'),
    /** Facts the fix (its description, change or the next steps) must state. */
    fix: factsSchema.default([]),
    /** Facts the fix must not state: advice the evidence contradicts. */
    notInFix: factsSchema.default([]),
    /** Facts the evidence lines must quote (the decisive line). */
    evidence: factsSchema.default([]),
    /** The change that heals the estate (the fix PR). */
    heal: healSchema.optional(),
    /** The heal, committed and synced, turns the app Synced/Healthy with pods Running. */
    healthyAfterFix: z.boolean().default(false),
  }),
);

/** The parts a base estate may declare (everything but the story). */
export const estateSchema = z.strictObject({
  clusters: z.array(clusterSchema).default([]),
  argocd: z.array(argocdSchema).default([]),
  git: z
    .strictObject({
      repoURL: z.string().default('https://git.example.com/platform/gitops.git'),
      commits: z.array(commitSchema).default([]),
    })
    .default({ repoURL: 'https://git.example.com/platform/gitops.git', commits: [] }),
  images: z.array(imageSchema).default([]),
  noise: z.strictObject({ events: z.array(noiseEventSchema).default([]) }).default({ events: [] }),
  changes: z.array(changeSchema).default([]),
  /** Argo CD instances or clusters that accept connections and never answer (as `sandbox up --down`). */
  down: z.array(dnsName).default([]),
});

/** A full scenario file (after merging its `base`). */
export const scenarioSchema = estateSchema.extend({
  name: dnsName,
  summary: z.string().min(1),
  question: z.string().min(1),
  expect: expectSchema,
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioCluster = Scenario['clusters'][number];
export type ScenarioApp = Scenario['argocd'][number]['apps'][number];
export type ScenarioCommit = Scenario['git']['commits'][number];
export type ScenarioExpect = Scenario['expect'];
export type ScenarioHeal = NonNullable<ScenarioExpect['heal']>;
