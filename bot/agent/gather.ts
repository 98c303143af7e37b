import { BotError } from '../errors.js';
import type { Entities } from './entities.js';
import type { GatheredSection } from './evidence/section.js';
import { planFirstRound, ESSENTIAL_FIRST_ROUND_TOOLS } from './gather/plan-first-round.js';
import { planFactsRound } from './gather/plan-facts-round.js';
import { planLogsRound } from './gather/plan-logs-round.js';
import { planSecondRound, scopeAfterFirstRound } from './gather/plan-second-round.js';
import { planServicesRound } from './gather/plan-services-round.js';
import type { PlannedCall } from './gather/planned-call.js';
import type { PipelineStep } from './ports.js';
import type { ToolCaller } from './tool-caller.js';
import type { ResultOf } from './tool-results/result-schemas.js';

export interface GatherBudget {
  /** Tool calls at most. */
  maxCalls: number;
  /** Wall time for the whole gather step; calls not started by then are skipped. */
  timeMs: number;
}

export const defaultGatherBudget: GatherBudget = { maxCalls: 14, timeMs: 20_000 };

export interface GatherResult {
  sections: GatheredSection[];
  instances: string[];
  cluster?: string;
  skipped: number;
  /** Instances that did not answer (fan-out members listed as unreachable, calls that failed retryably). */
  unreachable: string[];
}

/** Most telling first: Argo CD state, the workload, then denials, diffs, services, logs, policies, events. */
const SECTION_ORDER: readonly string[] = [
  'get_application',
  'describe_workload',
  'explain_admission_denial',
  'get_application_diff',
  'check_service',
  'get_pod_logs',
  'list_policy_violations',
  'get_application_events',
  'list_events',
  'get_application_tree',
];

/** What get_application said about the app the question resolved to (not a related one). */
function applicationOf(
  sections: readonly GatheredSection[],
  entities: Entities,
): ResultOf<'get_application'> | undefined {
  for (const section of sections) {
    if (section.tool === 'get_application' && section.target === `app/${entities.app?.name ?? ''}`)
      return section.read.answers[0]?.data;
  }
  return undefined;
}

/** What describe_workload said (gather describes one workload). */
function workloadOf(sections: readonly GatheredSection[]): ResultOf<'describe_workload'> | undefined {
  for (const section of sections)
    if (section.tool === 'describe_workload' && section.read.answers[0]) return section.read.answers[0].data;
  return undefined;
}

/** Application log lines gathered so far (crash logs of the workload, pod logs). */
function logLinesOf(sections: readonly GatheredSection[]): string[] {
  return sections.flatMap((section) => {
    if (section.tool === 'get_pod_logs' || section.tool === 'get_application_logs')
      return section.read.answers.flatMap((answer) => answer.data.lines);
    if (section.tool === 'describe_workload')
      return section.read.answers.flatMap((answer) => answer.data.crashLogs.flatMap((log) => log.lines));
    return [];
  });
}

/**
 * Gathers a compact evidence bundle in four parallel rounds, bounded by calls and time, each
 * planned by a pure function of what is known so far: the app, workload or namespace; what they
 * point at (diff, events, policies, denials, the workload behind an app); the workload's logs;
 * the services its logs could not reach. Throws a retryable BotError when every essential
 * first-round call failed retryably (the queue tries again later); a single dead instance is
 * listed in `unreachable` instead.
 */
export async function gatherEvidence(
  entities: Entities,
  tools: ToolCaller,
  options: { budget: GatherBudget; now: () => number; onProgress?: (step: PipelineStep, message: string) => void },
): Promise<GatherResult> {
  const deadline = options.now() + options.budget.timeMs;
  const sections: GatheredSection[] = [];
  const instances = new Set<string>();
  const unreachable = new Set<string>();
  let calls = 0;
  let skipped = 0;
  let done = 0;
  let planned = 0;

  async function runRound(round: PlannedCall[]): Promise<GatheredSection[]> {
    const runnable = round.filter((call) => tools.has(call.tool));
    planned += runnable.length;
    const ran: GatheredSection[] = [];
    await Promise.all(
      runnable.map(async (call) => {
        if (calls >= options.budget.maxCalls || options.now() > deadline) {
          skipped += 1;
          return;
        }
        calls += 1;
        const { result, read } = await tools.read(call.tool, call.args);
        done += 1;
        const instance = typeof call.args.instance === 'string' ? call.args.instance : undefined;
        // The places the evidence came from: the instance asked, or each instance a fan-out heard from.
        if (instance && !result.isError) instances.add(instance);
        for (const answer of read.answers) if (answer.instance) instances.add(answer.instance);
        read.unreachable.forEach((name) => unreachable.add(name));
        if (instance && result.failure?.isRetryable) unreachable.add(instance);
        // `read` was checked against the schema of `call.tool`; TypeScript cannot correlate the two through ReadTool.
        const facts = { tool: call.tool, read } as GatheredSection;
        const section: GatheredSection = {
          ...facts,
          ...(instance ? { instance } : {}),
          target: call.target,
          text: result.text,
          isError: result.isError,
          ...(result.failure ? { failure: result.failure } : {}),
        };
        sections.push(section);
        ran.push(section);
        options.onProgress?.('gather', `gathering ${done}/${planned}: ${call.tool} ${call.target}`);
      }),
    );
    return ran;
  }

  const places = { instancesOf: (tool: string) => tools.instancesOf(tool) };
  const first = await runRound(planFirstRound(entities, places));
  const essential = first.filter((section) => ESSENTIAL_FIRST_ROUND_TOOLS.has(section.tool));
  if (essential.length > 0 && essential.every((section) => section.failure?.isRetryable)) {
    const what = essential.map((section) => `${section.tool} ${section.target}`).join(', ');
    throw new BotError(
      'upstream_unavailable',
      `every look-up the answer depends on failed and may succeed later: ${what}`,
      { isRetryable: true },
    );
  }

  const application = applicationOf(sections, entities);
  const scope = scopeAfterFirstRound(entities, application, places);
  await runRound(planSecondRound(entities, application, scope));
  await runRound([
    ...planLogsRound(entities, workloadOf(sections), scope),
    ...planFactsRound(entities, workloadOf(sections), scope),
  ]);
  await runRound(planServicesRound(logLinesOf(sections), scope));

  sections.sort((left, right) => SECTION_ORDER.indexOf(left.tool) - SECTION_ORDER.indexOf(right.tool));
  return {
    sections,
    instances: [...instances],
    ...(scope.cluster ? { cluster: scope.cluster } : {}),
    skipped,
    unreachable: [...unreachable],
  };
}
