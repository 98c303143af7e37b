import type { ChannelDefaults } from '../agent/entities.js';
import type { ToolCallRecorder, ToolGateway } from '../agent/ports.js';
import { resolveEntities } from '../agent/resolve.js';
import { ToolCaller } from '../agent/tool-caller.js';

/**
 * The Argo CD app an answered question was about, resolved the way the investigation resolved
 * it (the same look-ups through the gateway), so the fix targets what the answer diagnosed.
 */
export async function locateApp(
  gateway: ToolGateway,
  recorder: ToolCallRecorder,
  input: { question: string; defaults?: ChannelDefaults; traceparent?: string; now: () => number },
): Promise<{ instance: string; name: string } | undefined> {
  const tools = new ToolCaller(gateway, recorder, {
    now: input.now,
    ...(input.traceparent ? { traceparent: input.traceparent } : {}),
  });
  await tools.load();
  const resolution = await resolveEntities(input.question, tools, input.defaults);
  if (resolution.kind !== 'resolved' || !resolution.entities.app) return undefined;
  return { instance: resolution.entities.app.instance, name: resolution.entities.app.name };
}
