/** Phrasers for container runtime, configuration and Argo CD sync messages. */
import type { CausePhraser } from './phraser.js';

/** The message with its leading `level:`/`Error:` words dropped, for quoting the decisive part. */
function bare(message: string): string {
  return message
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(?:(?:fatal|panic|error|err|critical)\s*:\s*)+/i, '');
}

/** `exec /usr/local/bin/app: exec format error`: the binary is for another CPU architecture. */
const execFormat: CausePhraser = (message) => {
  const match = /exec:?\s+"?([^\s":]+)"?:\s*exec format error/i.exec(message);
  if (!match && !/exec format error/i.test(message)) return undefined;
  const binary = match?.[1] ? `the binary ${match[1]}` : 'the container binary';
  return `${binary} cannot run: the image was built for another CPU architecture than the node's (exec format error)`;
};

/** `exec: "migrate": executable file not found in $PATH`: the command is not in the image. */
const executableNotFound: CausePhraser = (message) => {
  const match =
    /exec:?\s+"?([^\s":]+)"?:\s*(?:executable file not found|(?:stat \S+: )?no such file or directory)/i.exec(message);
  if (!match?.[1]) return undefined;
  return `the command ${match[1]} does not exist in the image (${bare(message).replace(/^.*?exec/i, 'exec')})`;
};

/** `open /etc/app/config.yaml: no such file or directory`: a file the app reads is not there. */
const missingFile: CausePhraser = (message) => {
  const match = /(?:open|stat|read|load(?:ing)?|lstat)\s+(\/[^\s:]+):?\s*no such file or directory/i.exec(message);
  if (!match?.[1]) return undefined;
  const path = match[1];
  const directory = path.slice(0, path.lastIndexOf('/')) || '/';
  return (
    `the app cannot open ${path}: no such file or directory (nothing in the image or a mounted volume ` +
    `provides it at ${directory})`
  );
};

/** `couldn't find key X in ConfigMap ns/Y` (CreateContainerConfigError): the referenced key is absent. */
const missingKey: CausePhraser = (message) => {
  const match = /couldn't find key (\S+) in (ConfigMap|Secret) ([\w.-]+)\/([\w.-]+)/i.exec(message);
  if (!match) return undefined;
  const [, key, kind, namespace, name] = match;
  return (
    `${kind} ${namespace}/${name} has no key ${key}, which the pod's env references, ` +
    'so the container cannot be created'
  );
};

/** `configmap "x" not found`, `secret "x" not found`: the object a pod references does not exist. */
const missingObject: CausePhraser = (message) => {
  const match = /\b(configmaps?|secrets?)\s+"([^"]+)"\s+not found/i.exec(message);
  if (!match?.[1] || !match[2]) return undefined;
  const kind = match[1].toLowerCase().startsWith('configmap') ? 'ConfigMap' : 'Secret';
  const quoted = `${kind.toLowerCase()} "${match[2]}" not found`;
  return `the ${kind} ${match[2]} that the pod references does not exist (${quoted})`;
};

/** `namespaces "x" not found` (an Argo CD sync, an apply): the target namespace does not exist. */
const missingNamespace: CausePhraser = (message) => {
  const match = /namespaces?\s+"([^"]+)"\s+not found/i.exec(message);
  if (!match?.[1]) return undefined;
  return (
    `the namespace ${match[1]} does not exist in the destination cluster, so the sync cannot create ` +
    `resources in it (namespaces "${match[1]}" not found)`
  );
};

/** Argo CD sync messages: a kind the cluster does not know (its CRD is not installed). */
const unknownKind: CausePhraser = (message) => {
  const match = /no matches for kind "([^"]+)"(?: in version "([^"]+)")?/i.exec(message);
  if (!match?.[1]) return undefined;
  const version = match[2] ? ` (${match[2]})` : '';
  return (
    `the cluster does not know the kind ${match[1]}${version}: its CRD is not installed, ` +
    'so the sync cannot apply it'
  );
};

/** Container runtime and configuration messages first, then Argo CD sync messages. */
export const RUNTIME_PHRASERS: readonly CausePhraser[] = [
  execFormat,
  executableNotFound,
  missingFile,
  missingKey,
  missingObject,
  missingNamespace,
  unknownKind,
];
