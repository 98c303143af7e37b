import { z } from 'zod';
import { McpServerError } from '../common/errors.js';
import { closestMatches } from '../common/output-budget.js';
import type { ArgocdClient } from './argocd-client.js';
import type { Application } from './argocd-shapes.js';

/** Application names are Kubernetes object names. */
export const applicationNameSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be an Argo CD application name (lowercase letters, digits, - and .)')
  .describe('Argo CD application name, e.g. payments-prod.');

/**
 * Fetches an application or fails with a model-actionable error naming the closest existing
 * applications and the tool that lists them.
 */
export async function resolveApplication(argocd: ArgocdClient, name: string): Promise<Application> {
  const app = await argocd.getApplication(name);
  if (app) return app;
  const names = (await argocd.listApplications()).map((candidate) => candidate.metadata.name);
  const closest = closestMatches(name, names);
  throw new McpServerError(
    'not_found',
    `Argo CD application '${name}' not ` +
      `found.${closest.length > 0 ? ` Closest matches: ${closest.join(', ')}.` : ''} Call list_applications ` +
      `(nameContains filters by fragment) to see the applications that exist.`,
  );
}
