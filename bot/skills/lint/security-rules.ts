import { DEFAULT_URL_ALLOW_LIST, WRITE_TOOLS } from '../skill-spec.js';
import type { IssueSink } from './lint-types.js';

/**
 * The security scan. A skill is context that steers an agent with tool access, so text that
 * hides itself, overrides instructions, moves data out, calls write tools on its own or carries
 * credentials is rejected. Runs on SKILL.md (frontmatter included) and every file in references/.
 */

// Zero-width, bidi controls and isolates, invisible operators, soft hyphen, Mongolian vowel
// separator, BOM (except as the first character) and Unicode tag characters.
const HIDDEN = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|[\u{E0000}-\u{E007F}]/gu;

const INJECTION: readonly RegExp[] = [
  /\b(?:ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}\b(?:previous|prior|above|earlier|preceding|all|any|your|system|other)\b[^.\n]{0,25}\b(?:instructions?|prompts?|rules|guidelines|directions|guardrails|policies)\b/i,
  /\byou are now\b[^.\n]{0,40}\b(?:assistant|agent|mode|allowed|free|unrestricted|dan)\b/i,
  /\b(?:reveal|print|show|output|repeat|leak)\b[^.\n]{0,30}\b(?:system prompt|hidden instructions|your instructions)\b/i,
  /\b(?:do not|don't|never)\s+(?:tell|inform|mention|notify|show)\b[^.\n]{0,30}\b(?:the user|users|the human|the engineer|anyone|on-call)\b/i,
  /\bnew (?:system )?instructions\s*:/i,
  /<\|?(?:im_start|im_end|system|endoftext)\|?>/i,
];

const SENSITIVE = `(?:${[
  'secrets?',
  'tokens?',
  'credentials?',
  'passwords?',
  'kubeconfigs?',
  'api[ _-]?keys?',
  'private keys?',
  'env(?:ironment)? variables?',
  'cookies?',
  'session',
].join('|')})`;
const EXFILTRATION: readonly RegExp[] = [
  new RegExp(
    String.raw`\b(?:send|post|upload|forward|exfiltrate|transmit|email|paste|copy|push|share)\b[^\n]{0,80}` +
      String.raw`\b${SENSITIVE}\b[^\n]{0,80}\b(?:to|into|at)\s+` +
      String.raw`(?:https?://|\S+@\S+|an?\s+(?:external|remote|public)|the\s+(?:webhook|url|endpoint|following)|` +
      String.raw`this\s+(?:url|webhook|endpoint)|webhook|pastebin|gist)`,
    'i',
  ),
  new RegExp(
    String.raw`\b(?:include|embed|put|append|encode)\b[^\n]{0,40}\b${SENSITIVE}\b[^\n]{0,60}\b(?:in|into)\b` +
      String.raw`[^\n]{0,20}\b(?:url|link|query string|image|dns|answer|reply|response|slack message)\b`,
    'i',
  ),
  /\bcurl\b[^\n]*(?:\s-d\b|\s--data\S*|\s-F\b|\s--form\b|\s-T\b|\s--upload-file\b)[^\n]*(?:\$\{?[A-Z_]*(?:TOKEN|SECRET|KEY|PASS)|secret|token|kubeconfig|\/var\/run\/secrets)/i,
  /\b(?:webhook\.site|requestbin|pipedream\.net|ngrok\.io|ngrok-free\.app|pastebin\.com|transfer\.sh|interact\.sh|oast\.(?:fun|me|pro|live|site)|burpcollaborator\.net|hookbin\.com)\b/i,
  /\bkubectl\b[^\n]*\bget\s+secrets?\b[^\n]*(?:-o\s*(?:yaml|json|jsonpath|go-template)|--output)/i,
  /\bsecrets?\b[^\n]*\bbase64\s+(?:-d|--decode)\b|\bbase64\s+(?:-d|--decode)\b[^\n]*\bsecrets?\b/i,
];

const SECRETS: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'AWS access key id', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/ },
  { name: 'AWS secret access key', pattern: /\baws_secret_access_key\b\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}\b/i },
  { name: 'Slack token', pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}/ },
  { name: 'Slack webhook URL', pattern: /hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/ },
  { name: 'GitHub token', pattern: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}\b/ },
  { name: 'private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/ },
  { name: 'JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { name: 'Anthropic API key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/ },
  { name: 'OpenAI API key', pattern: /\bsk-(?:proj-)?[A-Za-z0-9]{32,}\b/ },
  { name: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
];

const URL_PATTERN = /\bhttps?:\/\/[^\s<>()[\]"'`]+/gi;
const APPROVAL = /\b(?:approv\w*|on-?call)\b/i;
const NEGATION = /\b(?:never|not|don't|do not|avoid|without asking)\b/i;
const WRITE_TOOL_PATTERN = new RegExp(`\\b(?:${WRITE_TOOLS.join('|')})\\b`);

/** Whether `host` + `path` is covered by an allow-list entry (`host`, `*.suffix` or `host/path`). */
export function isUrlAllowed(url: string, allowList: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = parsed.hostname.toLowerCase();
  const target = `${host}${parsed.pathname}`;
  return allowList.some((entry) => {
    const lower = entry.toLowerCase();
    if (lower.startsWith('*.')) return host.endsWith(lower.slice(1));
    if (lower.includes('/')) return target === lower || target.startsWith(`${lower}/`);
    return host === lower || host.endsWith(`.${lower}`);
  });
}

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Scans one file's text, line by line; issue lines are the file's own. */
export function scanSecurity(
  text: string,
  sink: IssueSink,
  urlAllowList: readonly string[] = DEFAULT_URL_ALLOW_LIST,
): void {
  // Every pattern stays within a line, so one pass over the whole text tells which checks can
  // hit at all; clean files (the usual case) never pay for the line-by-line pass.
  const wants = {
    hidden: new RegExp(HIDDEN.source, 'u').test(text.replace(/^\uFEFF/, '')),
    injection: INJECTION.some((pattern) => pattern.test(text)),
    exfiltration: EXFILTRATION.some((pattern) => pattern.test(text)),
    secret: SECRETS.some((secret) => secret.pattern.test(text)),
    url: /\bhttps?:\/\//i.test(text),
    writeTool: WRITE_TOOL_PATTERN.test(text),
  };
  if (!Object.values(wants).some(Boolean)) return;
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (wants.hidden) {
      const hidden = [...line.matchAll(HIDDEN)].filter(
        (match) => !(index === 0 && match.index === 0 && match[0] === '\uFEFF'),
      );
      if (hidden.length > 0) {
        const points = [...new Set(hidden.map((match) => codePoint(match[0])))].join(', ');
        sink.error(
          lineNumber,
          'hidden-unicode',
          `invisible or bidirectional control characters (${points}) can hide text from reviewers; remove them`,
        );
      }
    }
    if (wants.injection && INJECTION.some((pattern) => pattern.test(line))) {
      sink.error(
        lineNumber,
        'prompt-injection',
        "text that tries to override the agent's instructions; skills give troubleshooting steps, not orders " +
          'about the prompt',
      );
    }
    if (wants.exfiltration && EXFILTRATION.some((pattern) => pattern.test(line))) {
      sink.error(
        lineNumber,
        'exfiltration',
        'instruction that reads secret values or moves data out of the platform; skills must never do either',
      );
    }
    if (wants.secret) {
      for (const secret of SECRETS) {
        if (secret.pattern.test(line)) {
          sink.error(
            lineNumber,
            'secret',
            `looks like a ${secret.name}; remove it and rotate it (never commit credentials)`,
          );
        }
      }
    }
    if (wants.url) {
      for (const match of line.matchAll(URL_PATTERN)) {
        const url = match[0].replace(/[.,;:!?]+$/, '');
        if (!isUrlAllowed(url, urlAllowList)) {
          sink.error(
            lineNumber,
            'url-not-allowed',
            `link to '${url}' is outside the allow-list (documentation of Kubernetes, Argo CD, Kyverno and friends)`,
          );
        }
      }
    }
    const writeTool = wants.writeTool ? WRITE_TOOL_PATTERN.exec(line) : null;
    if (writeTool && !APPROVAL.test(line) && !NEGATION.test(line)) {
      sink.error(
        lineNumber,
        'write-tool-approval',
        `'${writeTool[0]}' changes the estate; say in the same sentence that it runs only after an on-call ` +
          `engineer approves it`,
      );
    }
  });
}
