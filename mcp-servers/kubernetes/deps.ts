import type { KubeToolDeps } from '../common/kube-tool-server.js';
import { toolBuilder } from '../common/tool-definition.js';

/** What every kubernetes tool handler needs: one cluster client and a clock. */
export type KubernetesDeps = KubeToolDeps;

/** Defines a kubernetes tool with its input type inferred from its schema. */
export const defineKubernetesTool = toolBuilder<KubernetesDeps>();
