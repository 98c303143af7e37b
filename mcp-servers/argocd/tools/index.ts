import type { AnyToolDefinition } from '../../common/tool-definition.js';
import type { ArgocdDeps } from '../deps.js';
import { listApplicationsTool } from './list-applications.js';
import { getApplicationTool } from './get-application.js';
import { getApplicationTreeTool } from './get-application-tree.js';
import { getApplicationDiffTool } from './get-application-diff.js';
import { getRevisionDiffTool } from './get-revision-diff.js';
import { getApplicationEventsTool } from './get-application-events.js';
import { getApplicationLogsTool } from './get-application-logs.js';
import { getApplicationHistoryTool } from './get-application-history.js';
import { syncApplicationTool } from './sync-application.js';
import { rollbackApplicationTool } from './rollback-application.js';

/** Every argocd tool, reads and writes; the server filters writes unless they are enabled. */
export const argocdTools: readonly AnyToolDefinition<ArgocdDeps>[] = [
  listApplicationsTool,
  getApplicationTool,
  getApplicationTreeTool,
  getApplicationDiffTool,
  getRevisionDiffTool,
  getApplicationEventsTool,
  getApplicationLogsTool,
  getApplicationHistoryTool,
  syncApplicationTool,
  rollbackApplicationTool,
];
