import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { WebClient } from '@slack/web-api';
import { listMcpToolNames } from '../../mcp-servers/tool-names.js';
import { scenarioFromSnapshot } from '../../evaluators/learning/scenario-from-snapshot.js';
import type { GitProvider } from '../git/git-provider.js';
import { createGithubProvider } from '../git/github-provider.js';
import { createGitlabProvider } from '../git/gitlab-provider.js';
import { loadLearningConfig } from '../learning/config.js';
import { createCorrectionService, type CorrectionService } from '../learning/correction-service.js';
import { startMergeWatch } from '../learning/merge-watch.js';
import { gitSourceReader } from '../learning/source-reader.js';
import type { SourceReader } from '../runtime/investigation-snapshot.js';
import type { CliIo } from './command.js';
import type { Runtime } from './runtime.js';

const execFileAsync = promisify(execFile);

/** The correction loop of a role, when `SKILLS_REPOSITORY` is configured. */
export interface LearningWiring {
  service: CorrectionService;
  /** Reads app sources for investigation snapshots through the same Git host. */
  readSources: SourceReader;
  /** Starts the merge check; merged corrections are announced in their thread. */
  startMergeWatch(client: WebClient): () => void;
}

/** Pulls every skill root that is a git work tree (fast-forward only), then reloads the catalog. */
async function refreshRoots(runtime: Runtime, roots: readonly string[]): Promise<void> {
  for (const root of roots) {
    const isWorkTree = await execFileAsync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: root }).then(
      () => true,
      () => false,
    );
    if (!isWorkTree) continue;
    await execFileAsync('git', ['pull', '--ff-only', '-q'], { cwd: root }).catch((error: unknown) =>
      runtime.logger.warn({ event: 'skills-pull-error', root, err: error }, 'skills root not pulled'),
    );
  }
  await runtime.disk.reload();
}

/** Builds the correction loop from the environment, or undefined when it is not configured. */
export function wireLearning(io: CliIo, runtime: Runtime, roots: readonly string[]): LearningWiring | undefined {
  const config = loadLearningConfig(io.env);
  if (!config.SKILLS_REPOSITORY || !config.SKILLS_GIT_TOKEN) return undefined;
  const options = { baseUrl: config.SKILLS_GIT_API_URL, token: config.SKILLS_GIT_TOKEN };
  const provider: GitProvider =
    config.SKILLS_GIT_PROVIDER === 'gitlab' ? createGitlabProvider(options) : createGithubProvider(options);
  const workspace = config.SLACK_WORKSPACE_URL?.replace(/\/+$/, '');
  const service = createCorrectionService({
    store: runtime.store,
    skills: {
      provider,
      repository: config.SKILLS_REPOSITORY,
      base: config.SKILLS_REPOSITORY_BRANCH,
      skillsDir: config.SKILLS_REPOSITORY_SKILLS_PATH,
      scenariosDir: config.SKILLS_REPOSITORY_SCENARIOS_PATH,
      labels: config.SKILLS_PR_LABELS.split(',')
        .map((label) => label.trim())
        .filter(Boolean),
    },
    writeScenario: scenarioFromSnapshot,
    lintOptions: { knownTools: new Set(listMcpToolNames()) },
    ...(workspace
      ? {
          threadLink: (channel: string, thread: string) =>
            `${workspace}/archives/${channel}/p${thread.replace('.', '')}`,
        }
      : {}),
    refreshSkills: () => refreshRoots(runtime, roots),
    logger: runtime.logger,
  });
  return {
    service,
    readSources: gitSourceReader(() => provider),
    startMergeWatch: (client) =>
      startMergeWatch(service, {
        intervalMs: config.SKILLS_MERGE_CHECK_SECONDS * 1_000,
        logger: runtime.logger,
        onMerged: async (merged) => {
          if (!merged.channel) return;
          await client.chat.postMessage({
            channel: merged.channel,
            ...(merged.thread ? { thread_ts: merged.thread } : {}),
            text:
              `The correction is merged (${merged.url}); skill \`${merged.skill}\` is now served at ` +
              `\`${merged.mergeSha.slice(0, 12)}\`, and answers cite it.`,
          });
        },
      }),
  };
}
