import type { ModelClient, ToolGateway } from '../agent/ports.js';
import { modelProposalRecipe } from './recipes/model-proposal.js';
import { BotError } from '../errors.js';
import type { GitProvider } from '../git/git-provider.js';
import { readAppStatus, type AppStatus } from './app-status.js';
import type { FixPlanOutcome, FixRecipe, RecipeResult } from './fix-plan.js';
import type { RecipeContext } from './recipe-context.js';
import { imageTagRecipe } from './recipes/image-tag.js';
import { memoryLimitRecipe } from './recipes/memory-limit.js';
import { probePortRecipe } from './recipes/probe-port.js';
import { revertRecipe } from './recipes/revert.js';
import { serviceSelectorRecipe } from './recipes/service-selector.js';
import { storageClassRecipe } from './recipes/storage-class.js';
import { policyRequirementsRecipe } from './recipes/policy-requirements.js';
import { resourceFitRecipe } from './recipes/resource-fit.js';
import { helmValuesRecipe } from './recipes/helm-values.js';
import { readClusterFacts } from './cluster-facts.js';
import { loadSourceTree, type HelmSettings, type SourceTree } from './source-tree.js';

/** The Git host and repository that serve an Argo CD `repoURL`; undefined when none is configured. */
export type GitHostResolver = (repoURL: string) => { provider: GitProvider; repository: string } | undefined;

export interface FixPlannerDeps {
  gateway: ToolGateway;
  gitHost: GitHostResolver;
  /** The branch a `HEAD` target revision means (the repository's default branch). */
  defaultBranch: string;
  /** When configured, `propose_fix` is asked for edits once no recipe applies. */
  model?: ModelClient;
}

type Recipe = { name: FixRecipe; run: (context: RecipeContext) => RecipeResult };

const IMAGE: Recipe = { name: 'image-tag', run: imageTagRecipe };
const MEMORY: Recipe = { name: 'memory-limit', run: (context) => memoryLimitRecipe(context) };
const PROBE: Recipe = { name: 'probe-port', run: probePortRecipe };
const REVERT: Recipe = { name: 'revert', run: revertRecipe };
const SELECTOR: Recipe = { name: 'service-selector', run: serviceSelectorRecipe };
const STORAGE: Recipe = { name: 'storage-class', run: storageClassRecipe };
const FIT: Recipe = { name: 'resource-fit', run: resourceFitRecipe };
const POLICY: Recipe = { name: 'policy-requirements', run: policyRequirementsRecipe };
const HELM: Recipe = { name: 'helm-values', run: helmValuesRecipe };

/** Recipes to try per diagnosed skill, most specific first; "undo the change" is the fallback. */
const RECIPES: Record<string, Recipe[]> = {
  'image-pull-errors': [IMAGE, REVERT],
  'kyverno-policy-violations': [POLICY, IMAGE, REVERT],
  'resource-quota-exceeded': [FIT, REVERT],
  oomkilled: [MEMORY, REVERT],
  'probe-failures': [PROBE, REVERT],
  'service-connectivity': [SELECTOR, REVERT],
  'pvc-pending': [STORAGE, REVERT],
};

/** Skills whose fault does not live in git: the cure is an action, not a commit. */
const NOT_IN_GIT: Record<string, string> = {
  'argocd-drift':
    'the live objects were edited by hand and differ from git; ' +
    'the fix is a sync of the app (or committing the edit), not a change in git',
};

/** How many history entries are read back when looking for the last healthy revision. */
const HISTORY_DEPTH = 5;

function inlineOverride(status: AppStatus): string | undefined {
  const source = status.source;
  if (source?.chart) return `the app deploys the Helm chart ${source.chart} from a chart repository, not files in git`;
  const hasParameters = (value: unknown) =>
    typeof value === 'object' && value !== null && Object.keys(value).some((key) => key !== 'valueFiles');
  // Helm's inline values are weighed per key by the Helm recipe (a key the Application does not set is fine).
  if (hasParameters(source?.kustomize))
    return (
      'the effective value is set inline in the Argo CD Application (spec.source parameters); ' +
      'a person must change the Application'
    );
  return undefined;
}

function sameSource(left: SourceTree, right: SourceTree): boolean {
  if (left.files.size !== right.files.size) return false;
  for (const [path, text] of left.files) if (right.files.get(path) !== text) return false;
  return true;
}

/**
 * Plans a fix for one Argo CD app (read-only): reads the app through the gateway, its source
 * from the Git host at the tracked branch and at the last deployed revisions, and runs the
 * recipes of the diagnosed skills. Returns a plan whose files differ in exactly the intended
 * YAML paths, or a handoff saying why a person must make the change.
 */
export async function planFix(
  deps: FixPlannerDeps,
  input: {
    app: { instance: string; name: string };
    skills: readonly string[];
    rootCause?: string;
    traceparent?: string;
  },
): Promise<FixPlanOutcome> {
  const handoff = (reason: string): FixPlanOutcome => ({ kind: 'handoff', handoff: { reason } });
  for (const skill of input.skills) {
    const reason = NOT_IN_GIT[skill];
    if (reason) return handoff(reason);
  }
  const status = await readAppStatus(deps.gateway, input.app, input.traceparent);
  const repoURL = status.source?.repoURL;
  const appPath = status.source?.path;
  if (!repoURL || appPath === undefined) return handoff(`the Argo CD app ${input.app.name} has no git source path`);
  const inline = inlineOverride(status);
  if (inline) return handoff(inline);
  const host = deps.gitHost(repoURL);
  if (!host) return handoff(`no Git host is configured for ${repoURL} (see runbooks/fix-pull-requests.md)`);
  const { provider, repository } = host;

  const target = status.source?.targetRevision ?? 'HEAD';
  const baseBranch = target === 'HEAD' || /^[0-9a-f]{40}$/.test(target) ? deps.defaultBranch : target;
  const baseRevision = await provider.resolveRevision(repository, baseBranch);
  const helm = typeof status.source?.helm === 'object' && status.source.helm !== null ? status.source.helm : {};
  const current = await loadSourceTree(provider, repository, baseRevision, appPath, helm);
  if (current.overrideFiles.length > 0)
    return handoff(`parameter overrides in ${current.overrideFiles.join(', ')} take precedence; change them by hand`);
  const healthy = await lastHealthySource(provider, repository, { appPath, helm }, status, current);

  const cluster = await readClusterFacts(deps.gateway, {
    skills: input.skills,
    ...(status.destination?.name ? { cluster: status.destination.name } : {}),
    ...(status.destination?.namespace ? { namespace: status.destination.namespace } : {}),
    ...(input.traceparent ? { traceparent: input.traceparent } : {}),
  });
  const context: RecipeContext = {
    app: input.app,
    status,
    current,
    cluster,
    ...(healthy ? { healthy } : {}),
    ...(cluster.storageClasses ? { storageClasses: cluster.storageClasses } : {}),
  };
  // Every skill's specific recipes first, in skill order; "undo the change" only after all of them.
  const specific = input.skills.flatMap((skill) => (RECIPES[skill] ?? []).filter((recipe) => recipe !== REVERT));
  // A Helm chart's fault is in its values: the precedence-aware edit first.
  const recipes = [...new Set([...(current.helm ? [HELM] : []), ...specific, REVERT])];
  const planOf = (name: FixRecipe, result: Extract<RecipeResult, { kind: 'edits' }>): FixPlanOutcome => ({
    kind: 'plan',
    plan: {
      recipe: name,
      app: input.app,
      ...(status.destination?.name ? { cluster: status.destination.name } : {}),
      repository,
      repoURL,
      baseBranch,
      baseRevision,
      ...(healthy ? { healthyRevision: healthy.revision } : {}),
      title: result.title,
      rationale: result.rationale,
      edits: result.edits,
      files: result.files,
    },
  });
  for (const recipe of recipes) {
    const result = recipe.run(context);
    if (!result) continue;
    if (result.kind === 'handoff') return handoff(result.reason);
    return planOf(recipe.name, result);
  }
  if (deps.model) {
    const diagnosis = { rootCause: input.rootCause ?? '', skills: input.skills };
    // A model that is down proposes nothing; the recipes' handoff below still tells people why.
    const proposed = await modelProposalRecipe(deps.model, context, diagnosis).catch((error: unknown) => {
      if (error instanceof BotError && error.code === 'model_unavailable') return undefined;
      throw error;
    });
    if (proposed?.kind === 'handoff') return handoff(proposed.reason);
    if (proposed) return planOf('model', proposed);
  }
  return handoff(
    healthy
      ? `no recipe found a change in git that explains the fault in ${input.app.name}`
      : `Argo CD has no earlier deployment of ${input.app.name} to compare with, and no recipe applies`,
  );
}

/** The newest revision in the app's Argo CD history whose source differs from the branch now. */
async function lastHealthySource(
  provider: GitProvider,
  repository: string,
  source: { appPath: string; helm: HelmSettings },
  status: AppStatus,
  current: SourceTree,
): Promise<SourceTree | undefined> {
  const revisions = [...new Set(status.history.map((entry) => entry.revision))].filter(
    (revision) => revision !== current.revision && /^[0-9a-f]{7,40}$/.test(revision),
  );
  for (const revision of revisions.slice(0, HISTORY_DEPTH)) {
    const tree = await loadSourceTree(provider, repository, revision, source.appPath, source.helm);
    if (!sameSource(tree, current)) return tree;
  }
  return undefined;
}
