import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { ChannelDefaults } from '../agent/entities.js';
import { BotError, errorMessage } from '../errors.js';
import type { IncomingAlert } from './alert.js';

const channelId = z
  .string()
  .regex(/^[CG][A-Z0-9]{6,}$/, 'must be a Slack channel id like C0123456789 (channel details → About → Channel ID)');

const defaultsSchema = z
  .strictObject({
    cluster: z.string().min(1).optional(),
    argocdInstance: z.string().min(1).optional(),
    namespace: z.string().min(1).optional(),
  })
  .default({});

const routeSchema = z.strictObject({
  /** Every label must match: an exact value, or a glob with `*`. */
  match: z.record(z.string().min(1), z.string().min(1)).default({}),
  channel: channelId,
  /** Used when the alert's labels do not say where to look. */
  defaults: defaultsSchema,
});

/** Label names that carry where an alert points, first present wins. */
const entityLabelsSchema = z
  .strictObject({
    namespace: z.array(z.string().min(1)).default(['namespace', 'exported_namespace', 'kubernetes_namespace']),
    app: z
      .array(z.string().min(1))
      .default(['app', 'app_kubernetes_io_name', 'argocd_application', 'deployment', 'statefulset']),
    cluster: z.array(z.string().min(1)).default(['cluster', 'cluster_name', 'k8s_cluster']),
    argocdInstance: z.array(z.string().min(1)).default(['argocd_instance']),
  })
  .prefault({});

const fileSchema = z.strictObject({
  /** First matching route wins. */
  routes: z.array(routeSchema).default([]),
  /** Where alerts no route matches go; without it they are stored and not investigated. */
  fallbackChannel: channelId.optional(),
  labels: entityLabelsSchema,
  storm: z
    .strictObject({
      /** Investigations started per channel per minute; further alerts are summarised in one message. */
      maxInvestigationsPerMinute: z.number().int().min(1).max(1_000).default(5),
    })
    .prefault({}),
});

export type AlertRoutesConfig = z.output<typeof fileSchema>;

/** Where an alert goes and what the investigation should assume. */
export interface AlertRoute {
  channel: string;
  defaults: ChannelDefaults;
  /** The app the labels name, put in the question so the pipeline looks it up. */
  app?: string;
}

function globMatches(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`).test(value);
}

function firstLabel(labels: Record<string, string>, names: readonly string[]): string | undefined {
  for (const name of names) if (labels[name]) return labels[name];
  return undefined;
}

/** Routes alerts to team channels by label rules. */
export interface AlertRouter {
  route(alert: IncomingAlert): AlertRoute | undefined;
  readonly maxInvestigationsPerMinute: number;
}

/** A router over a parsed routes file. */
export function createAlertRouter(config: AlertRoutesConfig): AlertRouter {
  return {
    maxInvestigationsPerMinute: config.storm.maxInvestigationsPerMinute,
    route(alert) {
      const matched = config.routes.find((route) =>
        Object.entries(route.match).every(([name, pattern]) => globMatches(pattern, alert.labels[name] ?? '')),
      );
      const channel = matched?.channel ?? config.fallbackChannel;
      if (!channel) return undefined;
      const { labels } = alert;
      const namespace = firstLabel(labels, config.labels.namespace) ?? matched?.defaults.namespace;
      const cluster = firstLabel(labels, config.labels.cluster) ?? matched?.defaults.cluster;
      const argocdInstance = firstLabel(labels, config.labels.argocdInstance) ?? matched?.defaults.argocdInstance;
      const app = firstLabel(labels, config.labels.app);
      return {
        channel,
        defaults: {
          ...(namespace ? { namespace } : {}),
          ...(cluster ? { cluster } : {}),
          ...(argocdInstance ? { argocdInstance } : {}),
        },
        ...(app ? { app } : {}),
      };
    },
  };
}

/** Parses the routes file's text; errors name the file, the entry and what is wrong. */
export function parseAlertRoutes(text: string, source: string): AlertRoutesConfig {
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (error) {
    throw new BotError('config_invalid', `${source} is not valid YAML: ${errorMessage(error)}`, { cause: error });
  }
  const result = fileSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(file)'} ${issue.message}`);
    throw new BotError('config_invalid', `${source}: ${problems.join('; ')} (see deploy/alert-routes.example.yaml)`);
  }
  return result.data;
}

/** Loads SRE_BOT_ALERT_ROUTES_FILE. */
export function loadAlertRoutes(path: string): AlertRoutesConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BotError(
      'config_invalid',
      `SRE_BOT_ALERT_ROUTES_FILE ${path} cannot be read (${errorMessage(error)}); ` +
        'point it at a file like deploy/alert-routes.example.yaml',
      { cause: error },
    );
  }
  return parseAlertRoutes(text, path);
}
