import type { KubeClient } from '../common/kube-client.js';
import { toolBuilder } from '../common/tool-definition.js';

/** What every kyverno tool handler needs: the cluster (policies, reports, events, dry-run) and a clock. */
export interface KyvernoDeps {
  kube: KubeClient;
  now: () => Date;
}

/** Defines a kyverno tool with its input type inferred from its schema. */
export const defineKyvernoTool = toolBuilder<KyvernoDeps>();
