/**
 * Image references as the container runtime reads them: split into repository, tag and digest,
 * qualified the way containerd reports them, matched to an image behaviour, and the pull error
 * the registry answers with when the tag is missing or the pull needs a secret the pod lacks.
 */
import type { ImageBehaviour } from '../cluster-api.js';
import type { OutcomeInput } from './container-spec.js';

/** The image reference split into repository, tag and digest. */
export function parseImage(image: string): { repository: string; tag: string; digest?: string } {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash)
    return { repository: rest.slice(0, colon), tag: rest.slice(colon + 1), ...(digest ? { digest } : {}) };
  return { repository: rest, tag: 'latest', ...(digest ? { digest } : {}) };
}

/** The fully-qualified reference containerd reports (`docker.io/library/nginx:1.27`). */
export function qualifiedImage(repository: string, tag: string): string {
  const first = repository.split('/')[0] ?? '';
  const hasRegistry = repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const full = hasRegistry
    ? repository
    : repository.includes('/')
      ? `docker.io/${repository}`
      : `docker.io/library/${repository}`;
  return `${full}:${tag}`;
}

/** Finds the behaviour of an image repository, tolerating `docker.io/library/` prefixes. */
export function findBehaviour(
  images: ReadonlyMap<string, ImageBehaviour>,
  repository: string,
): ImageBehaviour | undefined {
  return images.get(repository) ?? images.get(repository.replace(/^docker\.io\/(library\/)?/, ''));
}

/** The pull error of an image reference, or undefined when the registry serves it. */
export function imagePullError(
  input: OutcomeInput,
  behaviour: ImageBehaviour,
  ref: ReturnType<typeof parseImage>,
): string | undefined {
  const full = qualifiedImage(ref.repository, ref.tag);
  if (behaviour.pullSecret !== undefined) {
    const pullSecrets =
      (input.pod.spec as { imagePullSecrets?: Array<{ name?: string }> } | undefined)?.imagePullSecrets ?? [];
    const hasSecret = pullSecrets.some(
      (secret) => secret.name === behaviour.pullSecret && input.getSecret(behaviour.pullSecret ?? '') !== undefined,
    );
    if (!hasSecret) {
      const host = full.split('/')[0] ?? '';
      return (
        `rpc error: code = Unknown desc = failed to pull and unpack image "${full}": failed to resolve reference ` +
        `"${full}": pull access denied, repository does not exist or may require authorization: server message: ` +
        `insufficient_scope: authorization failed: failed to authorize: failed to fetch anonymous token: ` +
        `unexpected status from GET request to https://${host}/token: 401 Unauthorized`
      );
    }
  }
  if (ref.digest || behaviour.tags.includes(ref.tag)) return undefined;
  if (behaviour.missingTag === 'manifest-unknown')
    return (
      `rpc error: code = NotFound desc = failed to pull and unpack image "${full}": failed to resolve reference ` +
      `"${full}": unexpected status from HEAD request: 404 Not Found: manifest unknown: manifest tagged by ` +
      `"${ref.tag}" is not found`
    );
  return (
    `rpc error: code = NotFound desc = failed to pull and unpack image "${full}": failed to resolve reference ` +
    `"${full}": ${full}: not found`
  );
}
