import type { z } from 'zod';
import {
  getApplicationDiffResult,
  getApplicationEventsResult,
  getApplicationLogsResult,
  getApplicationResult,
  getApplicationTreeResult,
  listApplicationsResult,
} from './argocd-results.js';
import {
  checkServiceResult,
  describeWorkloadResult,
  findWorkloadsResult,
  getNamespaceHealthResult,
  getPodLogsResult,
  getResourceResult,
  getRolloutHistoryResult,
  listEventsResult,
  listResourcesResult,
} from './kubernetes-results.js';
import { explainAdmissionDenialResult, listPolicyViolationsResult } from './kyverno-results.js';

/**
 * The tools the pipeline reads facts from, each with the schema its structured content is
 * checked against. A tool not listed here is only ever shown to the model, never read.
 */
export const resultSchemas = {
  list_applications: listApplicationsResult,
  get_application: getApplicationResult,
  get_application_tree: getApplicationTreeResult,
  get_application_events: getApplicationEventsResult,
  get_application_diff: getApplicationDiffResult,
  get_application_logs: getApplicationLogsResult,
  find_workloads: findWorkloadsResult,
  list_resources: listResourcesResult,
  describe_workload: describeWorkloadResult,
  list_events: listEventsResult,
  get_namespace_health: getNamespaceHealthResult,
  get_pod_logs: getPodLogsResult,
  check_service: checkServiceResult,
  get_resource: getResourceResult,
  get_rollout_history: getRolloutHistoryResult,
  list_policy_violations: listPolicyViolationsResult,
  explain_admission_denial: explainAdmissionDenialResult,
} as const;

/** A tool whose results the pipeline reads. */
export type ReadTool = keyof typeof resultSchemas;

/** The checked structured content of one instance's answer to `T`. */
export type ResultOf<T extends ReadTool> = z.infer<(typeof resultSchemas)[T]>;

/** Whether the pipeline reads facts from `tool`. */
export function isReadTool(tool: string): tool is ReadTool {
  return Object.hasOwn(resultSchemas, tool);
}
