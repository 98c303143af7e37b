import type { KubeToolDeps } from '../common/kube-tool-server.js';
import { toolBuilder } from '../common/tool-definition.js';

/** What every kyverno tool handler needs: the cluster (policies, reports, events, dry-run) and a clock. */
export type KyvernoDeps = KubeToolDeps;

/** Defines a kyverno tool with its input type inferred from its schema. */
export const defineKyvernoTool = toolBuilder<KyvernoDeps>();
