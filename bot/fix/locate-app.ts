import type { ChannelDefaults } from '../agent/entities.js';
import type { ToolCallRecorder, ToolGateway } from '../agent/ports.js';
import { resolveEntities } from '../agent/resolve.js';
import { ToolCaller } from '../agent/tool-caller.js';

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
