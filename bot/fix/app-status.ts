import { z } from 'zod';
import type { ToolGateway } from '../agent/ports.js';
import { BotError } from '../errors.js';

/** What the fix loop reads of `get_application` (its `structuredContent`, checked here). */
export const appStatusSchema = z.object({
  name: z.string(),
  instance: z.string().optional(),
  labels: z.record(z.string(), z.string()).default({}),
  sync: z.string().optional(),
  health: z.string().optional(),
  revision: z.string().optional(),
  fullRevision: z.string().optional(),
  source: z
    .looseObject({
      repoURL: z.string().optional(),
      path: z.string().optional(),
      targetRevision: z.string().optional(),
      chart: z.string().optional(),
      kustomize: z.unknown().optional(),
      helm: z.unknown().optional(),
      directory: z.unknown().optional(),
    })
    .optional(),
  destination: z.looseObject({ name: z.string().optional(), namespace: z.string().optional() }).optional(),
  autoSync: z.object({ prune: z.boolean(), selfHeal: z.boolean() }).optional(),
  operation: z
    .object({ phase: z.string().optional(), revision: z.string().optional(), message: z.string().optional() })
    .loose()
    .optional(),
  history: z.array(z.object({ id: z.string(), revision: z.string() }).loose()).default([]),
  outOfSyncResourceRefs: z
    .array(
      z
        .object({ kind: z.string().optional(), name: z.string().optional(), requiresPruning: z.boolean().optional() })
        .loose(),
    )
    .default([]),
});

export type AppStatus = z.infer<typeof appStatusSchema>;

/** Reads one Argo CD app through the gateway; a refusal or a result of the wrong shape is an error. */
export async function readAppStatus(
  gateway: ToolGateway,
  app: { instance: string; name: string },
  traceparent?: string,
): Promise<AppStatus> {
  const result = await gateway.callTool(
    'get_application',
    { name: app.name, instance: app.instance, historyCount: 20 },
    traceparent ? { traceparent } : {},
  );
  if (result.isError)
    throw new BotError('not_found', `Argo CD app ${app.name} on ${app.instance}: ${result.text.slice(0, 300)}`);
  const parsed = appStatusSchema.safeParse(result.structured);
  if (!parsed.success)
    throw new BotError('tool_result_invalid', `get_application for ${app.name} returned an unexpected shape`, {
      cause: parsed.error,
    });
  return parsed.data;
}
