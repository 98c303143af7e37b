import type { Entities } from '../entities.js';
import { instanceFor } from './instances.js';
import type { PlannedCall, Places } from './planned-call.js';

/**
 * Round one: what the question resolved to. The app (state, live tree, warning events) and the
 * other apps it names; the workload; or, when only a namespace is known, the namespace's health.
 */
export function planFirstRound(entities: Entities, places: Places): PlannedCall[] {
  const { app, workload } = entities;
  const calls: PlannedCall[] = [];
  if (app) {
    const args = { name: app.name, instance: app.instance };
    calls.push({ tool: 'get_application', args, target: `app/${app.name}` });
    calls.push({ tool: 'get_application_tree', args, target: `app/${app.name}` });
    calls.push({ tool: 'get_application_events', args: { ...args, warningsOnly: true }, target: `app/${app.name}` });
  }
  for (const other of entities.related) {
    calls.push({
      tool: 'get_application',
      args: { name: other.name, instance: other.instance },
      target: `app/${other.name}`,
    });
  }
  if (!app && !workload && entities.namespace) {
    const instance = instanceFor(places, 'get_namespace_health', entities.cluster);
    calls.push({
      tool: 'get_namespace_health',
      args: { namespace: entities.namespace, ...(instance ? { instance } : {}) },
      target: `namespace/${entities.namespace}`,
    });
  }
  if (workload) {
    calls.push({
      tool: 'describe_workload',
      args: { name: workload.name, namespace: workload.namespace, kind: workload.kind, instance: workload.cluster },
      target: `${workload.kind.toLowerCase()}/${workload.namespace}/${workload.name}`,
    });
  }
  return calls;
}

/** The first-round tools an answer cannot do without: when every one of them failed retryably, retry later. */
export const ESSENTIAL_FIRST_ROUND_TOOLS: ReadonlySet<string> = new Set([
  'get_application',
  'describe_workload',
  'get_namespace_health',
]);
