import { toolBuilder } from '../common/tool-definition.js';
import type { KubeClient } from '../common/kube-client.js';

/** What every kubernetes tool handler needs: one cluster client and a clock. */
export interface KubernetesDeps {
  kube: KubeClient;
  now: () => Date;
}

/** Defines a kubernetes tool with its input type inferred from its schema. */
export const defineKubernetesTool = toolBuilder<KubernetesDeps>();
