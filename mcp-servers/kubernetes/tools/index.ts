import type { AnyToolDefinition } from '../../common/tool-definition.js';
import type { KubernetesDeps } from '../deps.js';
import { findWorkloadsTool } from './find-workloads.js';
import { describeWorkloadTool } from './describe-workload.js';
import { listResourcesTool } from './list-resources.js';
import { getResourceTool } from './get-resource.js';
import { listEventsTool } from './list-events.js';
import { getPodLogsTool } from './get-pod-logs.js';
import { checkServiceTool } from './check-service.js';
import { getRolloutHistoryTool } from './get-rollout-history.js';
import { getNamespaceHealthTool } from './get-namespace-health.js';
import { validateManifestsTool } from './validate-manifests.js';
import { rolloutRestartTool } from './rollout-restart.js';
import { scaleWorkloadTool } from './scale-workload.js';

/** Every kubernetes tool, reads and writes; the server filters writes unless they are enabled. */
export const kubernetesTools: readonly AnyToolDefinition<KubernetesDeps>[] = [
  findWorkloadsTool,
  describeWorkloadTool,
  listResourcesTool,
  getResourceTool,
  listEventsTool,
  getPodLogsTool,
  checkServiceTool,
  getRolloutHistoryTool,
  getNamespaceHealthTool,
  validateManifestsTool,
  rolloutRestartTool,
  scaleWorkloadTool,
];
