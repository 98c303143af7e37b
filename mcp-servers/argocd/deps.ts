import { toolBuilder } from '../common/tool-definition.js';
import type { ArgocdClient } from './argocd-client.js';

/** What every argocd tool handler needs: one Argo CD client and a clock. */
export interface ArgocdDeps {
  argocd: ArgocdClient;
  now: () => Date;
}

/** Defines an argocd tool with its input type inferred from its schema. */
export const defineArgocdTool = toolBuilder<ArgocdDeps>();
