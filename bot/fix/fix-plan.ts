/** A planned fix: which files change, which YAML paths, before → after, and why. */
export type FixRecipe =
  | 'image-tag'
  | 'memory-limit'
  | 'probe-port'
  | 'service-selector'
  | 'storage-class'
  | 'resource-fit'
  | 'policy-requirements'
  | 'helm-values'
  | 'model'
  | 'revert';

/** One value edit, for people to read (the files carry the exact bytes). */
export interface PlannedEdit {
  file: string;
  /** `doc[0].images[0].newTag`, or `(whole file)` for a revert. */
  path: string;
  before: string;
  after: string;
}

/** One file as it is at the base revision and as the plan leaves it (undefined = absent). */
export interface PlannedFile {
  path: string;
  before: string | undefined;
  after: string | undefined;
}

export interface FixPlan {
  recipe: FixRecipe;
  app: { instance: string; name: string };
  /** The app's destination cluster (the Kubernetes instance the dry run uses), when Argo CD names it. */
  cluster?: string;
  repository: string;
  repoURL: string;
  /** The branch the app tracks and the PR targets. */
  baseBranch: string;
  /** The commit the edits were computed on (the PR's base). */
  baseRevision: string;
  /** The last revision that ran before the fault (from Argo CD history), when one was used. */
  healthyRevision?: string;
  title: string;
  /** Why this change, in one or two sentences with the values. */
  rationale: string;
  edits: PlannedEdit[];
  files: PlannedFile[];
}

/** A fix the bot will not make itself, and why (shown to people, with what to do instead). */
export interface FixHandoff {
  reason: string;
}

export type FixPlanOutcome = { kind: 'plan'; plan: FixPlan } | { kind: 'handoff'; handoff: FixHandoff };

/** A recipe's answer: a plan's edits, a handoff, or "does not apply". */
export type RecipeResult =
  | { kind: 'edits'; title: string; rationale: string; edits: PlannedEdit[]; files: PlannedFile[] }
  | { kind: 'handoff'; reason: string }
  | undefined;
