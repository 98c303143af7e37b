/** The shape of one resource type in the simulated API server's discovery table. */
/** One served resource (a REST collection) of one group/version. */
export interface ResourceType {
  /** API group, `''` for the core group. */
  group: string;
  version: string;
  kind: string;
  /** Plural resource name used in URLs, e.g. `deployments`. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Subresources served under this resource, e.g. `log` and `status` for pods. */
  subresources?: string[];
  /** True for custom resources (served from a CustomResourceDefinition). */
  isCustom?: boolean;
}
