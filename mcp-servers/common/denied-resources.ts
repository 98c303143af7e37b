import { McpServerError } from './errors.js';
import type { ResourceType } from './kube-types.js';

/**
 * Refuses a read of a resource the server is configured to deny (KUBE_DENIED_RESOURCES, default
 * `secrets`): least privilege that holds even where RBAC grants more. The refusal is an error the
 * model can act on: it says what to use instead.
 */
export function assertReadable(type: ResourceType, denied: ReadonlySet<string> | undefined): void {
  if (!denied?.has(type.plural.toLowerCase())) return;
  throw new McpServerError(
    'forbidden',
    `Reading ${type.plural} is denied on this server (KUBE_DENIED_RESOURCES). describe_workload names the ` +
      `${type.kind}s a workload references and whether they exist, without their values.`,
  );
}
