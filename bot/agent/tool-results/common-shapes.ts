import { z } from 'zod';

/**
 * Shapes several servers share. Objects are not strict: servers may add fields (they only ever
 * add), and what the bot does not read it does not check.
 */

/** The controller chain above an object, nearest first (Pod → ReplicaSet → Deployment). */
export const ownersShape = z.array(z.object({ kind: z.string(), name: z.string() })).optional();

/** Identical events folded into one group (`list_events`, `describe_workload`, Argo CD events). */
export const eventGroupShape = z.object({
  type: z.string(),
  reason: z.string(),
  /** The involved object: `Kind/name` today; `{kind, name, namespace}` as servers add it. */
  object: z.union([z.string(), z.object({ kind: z.string(), name: z.string(), namespace: z.string().optional() })]),
  message: z.string(),
  count: z.number(),
  lastSeen: z.string().optional(),
  owners: ownersShape,
  argocdApp: z.string().optional(),
});

/** One group of `list_events`, `get_application_events`, `describe_workload.warningEvents`. */
export type EventGroup = z.infer<typeof eventGroupShape>;

/** Event groups of a list answer. */
export const eventGroupsResult = z.object({ groups: z.array(eventGroupShape), total: z.number().optional() });

/** `Kind/name` of an event group's involved object, whichever form the server sent. */
export function eventObjectLabel(group: EventGroup): string {
  return typeof group.object === 'string' ? group.object : `${group.object.kind}/${group.object.name}`;
}
