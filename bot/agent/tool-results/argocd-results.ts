import { z } from 'zod';
import { eventGroupsResult, ownersShape } from './common-shapes.js';

/** The result shapes of the Argo CD server's read tools, as far as the pipeline reads them. */

const applicationSummary = z.object({
  name: z.string(),
  sync: z.string().optional(),
  health: z.string().optional(),
  operationPhase: z.string().optional(),
  destinationNamespace: z.string().optional(),
});

/** `list_applications`: one row per application. */
export const listApplicationsResult = z.object({
  applications: z.array(applicationSummary),
  total: z.number().optional(),
});

const syncedResource = z.object({
  kind: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  status: z.string().optional(),
  message: z.string().optional(),
  health: z.object({ status: z.string().optional(), message: z.string().optional() }).optional(),
});

/** `get_application`: sync and health, destination, last operation, conditions, resources. */
export const getApplicationResult = z.object({
  name: z.string(),
  sync: z.string().optional(),
  health: z.string().optional(),
  healthMessage: z.string().optional(),
  revision: z.string().optional(),
  images: z.array(z.string()).default([]),
  /** The last deployments, newest first (the first is the synced revision). */
  history: z
    .array(
      z.object({
        revision: z.string(),
        deployedAt: z.string().optional(),
        author: z.string().optional(),
        message: z.string().optional(),
      }),
    )
    .default([]),
  destination: z
    .object({ name: z.string().optional(), server: z.string().optional(), namespace: z.string().optional() })
    .optional(),
  operation: z
    .object({
      phase: z.string().optional(),
      message: z.string().optional(),
      finishedAt: z.string().optional(),
      revision: z.string().optional(),
      commit: z.object({ author: z.string().optional(), message: z.string().optional() }).optional(),
      failedResources: z.array(syncedResource).default([]),
    })
    .optional(),
  conditions: z.array(z.object({ type: z.string().optional(), message: z.string().optional() })).default([]),
  unhealthyResources: z.array(syncedResource).default([]),
  outOfSyncResources: z.array(z.string()).default([]),
});

/** `get_application_tree`: the live nodes that are not healthy. */
export const getApplicationTreeResult = z.object({
  name: z.string(),
  total: z.number().optional(),
  unhealthy: z.array(
    z.object({
      kind: z.string().optional(),
      name: z.string().optional(),
      namespace: z.string().optional(),
      health: z.object({ status: z.string().optional(), message: z.string().optional() }).optional(),
      info: z.array(z.object({ name: z.string().optional(), value: z.unknown() })).optional(),
      parents: z.string().optional(),
      owners: ownersShape,
    }),
  ),
  orphaned: z.array(z.string()).default([]),
});

/** `get_application_events`: event groups of the app and its resources. */
export const getApplicationEventsResult = eventGroupsResult;

/** `get_application_diff`: one entry per resource that differs between git and the cluster. */
export const getApplicationDiffResult = z.object({
  name: z.string(),
  diffs: z.array(
    z.object({
      resource: z.string(),
      change: z.string(),
      /** Unified diff lines (`-live`, `+desired`, ` context`, `@@` hunk headers). */
      lines: z.array(z.string()).default([]),
      lastWrittenBy: z.string().optional(),
    }),
  ),
});

/** `get_application_logs`: log lines of one pod of the app. */
export const getApplicationLogsResult = z.object({
  application: z.string().optional(),
  pod: z.string().optional(),
  lines: z.array(z.string()),
});
