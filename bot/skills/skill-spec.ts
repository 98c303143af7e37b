/**
 * The Agent Skills format as sre-bot applies it: the open spec's frontmatter rules plus our own
 * conventions (metadata extras, body sections). One place so the linter, the catalog, the
 * scaffolder and the docs agree.
 */

/** Top-level frontmatter keys the Agent Skills spec allows; anything else is an error. */
export const ALLOWED_FRONTMATTER_KEYS: readonly string[] = [
  'name',
  'description',
  'license',
  'compatibility',
  'allowed-tools',
  'metadata',
];

/** Lowercase a-z and 0-9 in groups joined by single hyphens. */
export const SKILL_NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SKILL_NAME_MAX = 64;
export const DESCRIPTION_MAX = 1024;
export const COMPATIBILITY_MAX = 500;

/** The file every skill folder holds. */
export const SKILL_FILE = 'SKILL.md';
/** Where long material lives, loaded on demand. */
export const REFERENCES_DIR = 'references';

/** Body sections every skill carries, in this order. */
export const REQUIRED_SECTIONS: readonly string[] = ['Signals', 'Investigate', 'Fix', 'Corrections'];

/** Our keys inside `metadata`. Other metadata keys are allowed (the spec leaves them open). */
export const METADATA_SIGNALS = 'signals';
export const METADATA_OWNER = 'owner';
export const METADATA_SEVERITY = 'severity';

/** Allowed `metadata.severity` values: how bad the fault class usually is. */
export const SEVERITIES: readonly string[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Body budget: an error above this many estimated tokens; move detail to references/. */
export const BODY_TOKEN_LIMIT = 5000;
/** A warning above this many: the body is close to the budget. */
export const BODY_TOKEN_WARNING = 4000;

/**
 * MCP tools that change the estate. A skill may mention them only together with the approval
 * step (the bot proposes, an on-call engineer approves in Slack).
 */
export const WRITE_TOOLS: readonly string[] = [
  'sync_application',
  'rollback_application',
  'rollout_restart',
  'scale_workload',
];

/** Hosts a skill may link to (documentation of the systems we troubleshoot, and loopback). */
export const DEFAULT_URL_ALLOW_LIST: readonly string[] = [
  'kubernetes.io',
  'k8s.io',
  'argo-cd.readthedocs.io',
  'argoproj.github.io',
  'kyverno.io',
  'helm.sh',
  'kubectl.docs.kubernetes.io',
  'kustomize.io',
  'github.com/kubernetes',
  'github.com/argoproj',
  'github.com/kyverno',
  'cert-manager.io',
  'agentskills.io',
  'example.com',
  'example.org',
  'localhost',
  '127.0.0.1',
  '*.svc.cluster.local',
  '*.svc',
];
