import type { AnyToolDefinition } from '../../common/tool-definition.js';
import type { KyvernoDeps } from '../deps.js';
import { listPoliciesTool } from './list-policies.js';
import { getPolicyTool } from './get-policy.js';
import { listPolicyViolationsTool } from './list-policy-violations.js';
import { explainAdmissionDenialTool } from './explain-admission-denial.js';
import { checkManifestTool } from './check-manifest.js';

/** Every kyverno tool (all read-only; check_manifest only dry-runs). */
export const kyvernoTools: readonly AnyToolDefinition<KyvernoDeps>[] = [
  listPoliciesTool,
  getPolicyTool,
  listPolicyViolationsTool,
  explainAdmissionDenialTool,
  checkManifestTool,
];
