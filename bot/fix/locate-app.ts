import type { Answer } from '../agent/answer.js';
import type { ChannelDefaults } from '../agent/entities.js';
import type { ToolCallRecorder, ToolGateway } from '../agent/ports.js';
import { resolveEntities } from '../agent/resolve.js';
import { ToolCaller } from '../agent/tool-caller.js';
import type { FixPlanOutcome } from './fix-plan.js';
import { planFix, type FixPlannerDeps } from './plan-fix.js';

/**
 * The Argo CD apps an answered question was about, resolved the way the investigation resolved
 * it (the same look-ups through the gateway): the app first, then the related apps the question
 * also names (a caller and its dependency), so the fix can target the one whose source broke.
 */
export async function locateApp(
  gateway: ToolGateway,
  recorder: ToolCallRecorder,
  input: { question: string; defaults?: ChannelDefaults; traceparent?: string; now: () => number },
): Promise<Array<{ instance: string; name: string }>> {
  const tools = new ToolCaller(gateway, recorder, {
    now: input.now,
    ...(input.traceparent ? { traceparent: input.traceparent } : {}),
  });
  await tools.load();
  const resolution = await resolveEntities(input.question, tools, input.defaults);
  if (resolution.kind !== 'resolved' || !resolution.entities.app) return [];
  const { app, related } = resolution.entities;
  return [app, ...related].map((candidate) => ({ instance: candidate.instance, name: candidate.name }));
}

/**
 * Plans the fix of an answer: the apps the question resolves to, then the apps of the objects its
 * evidence is about, each planned in turn until one has a plan. Undefined when no app is known; otherwise the plan, or
 * the first app's handoff.
 */
export async function planForAnswer(
  deps: FixPlannerDeps,
  input: { question: string; answer: Answer; recorder: ToolCallRecorder; now: () => number; traceparent?: string },
): Promise<FixPlanOutcome | undefined> {
  const trace = input.traceparent ? { traceparent: input.traceparent } : {};
  const apps = await locateApp(deps.gateway, input.recorder, { question: input.question, now: input.now, ...trace });
  // Then the apps of the objects the evidence is about (sources the pipeline wrote as
  // `tool:instance/kind/namespace/name`): a Service at fault belongs to its own app, not the caller's.
  const named = new Map<string, string>();
  for (const line of input.answer.evidence) {
    const [instance, kind, , name] = (line.source.split(':')[1] ?? '').split('/');
    if (instance && name && ['service', 'deployment', 'statefulset', 'app'].includes(kind ?? ''))
      named.set(`${name} ${instance}`, name);
  }
  for (const question of named.keys())
    for (const app of await locateApp(deps.gateway, input.recorder, { question, now: input.now, ...trace }))
      if (!apps.some((known) => known.instance === app.instance && known.name === app.name)) apps.push(app);
  let outcome: FixPlanOutcome | undefined;
  for (const app of apps) {
    const planned = await planFix(deps, {
      app,
      skills: input.answer.skills,
      rootCause: input.answer.rootCause,
      ...trace,
    });
    // The first app's handoff is the one people see when no related app has a plan either.
    if (!outcome || planned.kind === 'plan') outcome = planned;
    if (planned.kind === 'plan') break;
  }
  return outcome;
}
