import { z } from 'zod';
import { cursorSchema, limitSchema, paginate, pageFooter } from '../../common/output-budget.js';
import { readOnlyAnnotations } from '../../common/tool-definition.js';
import { applicationLine, shortRevision } from '../application-summary.js';
import { primarySource, type Application } from '../argocd-shapes.js';
import { defineArgocdTool } from '../deps.js';

const HEALTH = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'] as const;
const SYNC = ['Synced', 'OutOfSync', 'Unknown'] as const;

/** Sort key: problems first (not healthy before progressing before healthy, out of sync before synced). */
function rank(app: Application): number {
  const health = app.status?.health?.status;
  return (
    (health === 'Healthy' ? 2 : health === 'Progressing' ? 1 : 0) * 2 + (app.status?.sync?.status === 'Synced' ? 1 : 0)
  );
}

function sourceOf(
  app: Application,
): { repoURL?: string; path?: string; chart?: string; targetRevision?: string } | undefined {
  const source = primarySource(app);
  if (!source) return undefined;
  const { repoURL, path, chart, targetRevision } = source;
  return {
    ...(repoURL ? { repoURL } : {}),
    ...(path ? { path } : {}),
    ...(chart ? { chart } : {}),
    ...(targetRevision ? { targetRevision } : {}),
  };
}

/** Lists applications with filters, unhealthy and out-of-sync first. */
export const listApplicationsTool = defineArgocdTool({
  name: 'list_applications',
  title: 'List applications',
  description:
    'List Argo CD applications, one line each (sync/health, project, revision, failed operation, conditions), ' +
    'problems first. ' +
    ('Filters: project, health, sync status, name fragment, label selector. Use it to find the app behind a ' +
      'service before get_application.'),
  inputSchema: z.strictObject({
    project: z
      .string()
      .min(1)
      .max(253)
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a project name')
      .optional(),
    health: z.enum(HEALTH).optional(),
    sync: z.enum(SYNC).optional(),
    nameContains: z.string().min(1).max(253).optional(),
    labelSelector: z
      .string()
      .max(500)
      .regex(/^[A-Za-z0-9_./=!,()\s-]*$/, 'must be a label selector like team=payments')
      .optional(),
    limit: limitSchema(40, 500),
    cursor: cursorSchema,
  }),
  outputSchema: z.object({
    applications: z.array(
      z.object({
        name: z.string(),
        project: z.string().optional(),
        sync: z.string().optional(),
        health: z.string().optional(),
        revision: z.string(),
        fullRevision: z.string().optional(),
        operationPhase: z.string().optional(),
        destinationNamespace: z.string().optional(),
        destinationServer: z.string().optional(),
        destinationName: z.string().optional().describe('Destination cluster name, when the app names one.'),
        conditions: z.array(z.string()).optional().describe('Condition types, e.g. SyncError.'),
        source: z
          .object({
            repoURL: z.string().optional(),
            path: z.string().optional(),
            chart: z.string().optional(),
            targetRevision: z.string().optional(),
          })
          .optional(),
      }),
    ),
    total: z.number().int(),
    nextCursor: z.string().optional(),
  }),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: async (input, { deps }) => {
    const now = deps.now();
    const apps = await deps.argocd.listApplications({
      ...(input.project ? { project: input.project } : {}),
      ...(input.labelSelector ? { selector: input.labelSelector } : {}),
    });
    const nameFragment = input.nameContains?.toLowerCase();
    const matching = apps
      .filter((app) => !input.project || app.spec?.project === input.project)
      .filter((app) => !input.health || app.status?.health?.status === input.health)
      .filter((app) => !input.sync || app.status?.sync?.status === input.sync)
      .filter((app) => !nameFragment || app.metadata.name.toLowerCase().includes(nameFragment))
      .sort((left, right) => rank(left) - rank(right) || left.metadata.name.localeCompare(right.metadata.name));
    if (matching.length === 0) {
      return {
        text:
          'No applications match' +
          (apps.length > 0
            ? ` (${apps.length} exist; loosen the filters).`
            : ' (this Argo CD has none visible to the token).'),
        structured: { applications: [], total: 0 },
      };
    }
    const page = paginate(matching, input.limit, input.cursor);
    const unhealthy = matching.filter(
      (app) => app.status?.health?.status !== 'Healthy' || app.status?.sync?.status !== 'Synced',
    ).length;
    const lines = [
      `${matching.length} application(s), ${unhealthy} not Synced/Healthy:`,
      ...page.items.map((app) => `  ${applicationLine(app, now)}`),
    ];
    const footer = pageFooter(page, 'applications');
    if (footer) lines.push(footer);
    return {
      text: lines.join('\n'),
      structured: {
        applications: page.items.map((app) => ({
          name: app.metadata.name,
          project: app.spec?.project,
          sync: app.status?.sync?.status,
          health: app.status?.health?.status,
          revision: shortRevision(app.status?.sync?.revision),
          fullRevision: app.status?.sync?.revision,
          operationPhase: app.status?.operationState?.phase,
          destinationNamespace: app.spec?.destination?.namespace,
          destinationServer: app.spec?.destination?.server,
          destinationName: app.spec?.destination?.name,
          conditions: (app.status?.conditions ?? [])
            .map((condition) => condition.type)
            .filter((type): type is string => Boolean(type)),
          source: sourceOf(app),
        })),
        total: matching.length,
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  },
});
