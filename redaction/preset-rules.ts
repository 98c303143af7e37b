import { creator as recommendedPreset } from '@secretlint/secretlint-rule-preset-recommend';
import type {
  SecretLintRuleContext,
  SecretLintRuleReportHandler,
  SecretLintSourceCode,
  SecretlintCoreSharedOptions,
} from '@secretlint/types';

/** A half-open character range `[start, end)` of a secret inside a string. */
export type SecretRange = readonly [start: number, end: number];

/** One rule of the preset, created once with a context that records what it reports. */
interface CreatedRule {
  id: string;
  handler: SecretLintRuleReportHandler;
}

const sharedOptions: SecretlintCoreSharedOptions = {};
let sink: SecretRange[] = [];

/**
 * The rules of secretlint's recommended preset (Slack, GitHub, AWS, GCP, Anthropic, OpenAI,
 * npm, SendGrid, Shopify, Linear, 1Password, private keys, basic auth, database connection
 * strings), driven synchronously. Every rule's `file` handler reports through `context.report`
 * without awaiting anything, so one pass over a string is a plain function call; the parity test
 * checks the ranges against `@secretlint/core`'s own `lintSource`.
 */
const rules: readonly CreatedRule[] = (() => {
  const created: CreatedRule[] = [];
  recommendedPreset.create(
    {
      sharedOptions,
      registerRule(rule, defaults) {
        const context: SecretLintRuleContext = {
          sharedOptions,
          createTranslator: () => (messageId, data) => ({
            message: String(messageId),
            messageId: String(messageId),
            data,
          }),
          report: (descriptor) => void sink.push(descriptor.range),
          // The preset's filter rule (comments that opt out of a report) is not honoured: tool output cannot opt out.
          ignore: () => undefined,
        };
        // The preset passes each rule its own defaults; a rule registered without any gets an empty options object.
        const options = defaults?.options ?? ({} as NonNullable<typeof defaults>['options']);
        created.push({ id: rule.meta.id, handler: rule.create(context, options as never) });
      },
    },
    {},
  );
  return created;
})();

/**
 * The prefilter of each preset rule: lowercase words one of which the text must hold for the
 * rule to find anything (the literal prefixes and keys its patterns require). A rule missing here
 * (a new preset version) always runs; `prefilter.test.ts` fails until it is listed, and checks
 * that prefiltering never changes a result.
 */
export const PRESET_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  '@secretlint/secretlint-rule-aws': [
    'a3t',
    'akia',
    'agpa',
    'aida',
    'aroa',
    'aipa',
    'anpa',
    'anva',
    'asia',
    'secret',
    'account',
  ],
  '@secretlint/secretlint-rule-gcp': ['private_key'],
  '@secretlint/secretlint-rule-privatekey': ['private key'],
  '@secretlint/secretlint-rule-npm': ['_authtoken', 'npm_', 'x-oauth-basic'],
  '@secretlint/secretlint-rule-basicauth': ['://'],
  '@secretlint/secretlint-rule-slack': ['xox', 'xapp', 'hooks.slack.com'],
  '@secretlint/secretlint-rule-sendgrid': ['sg.'],
  '@secretlint/secretlint-rule-shopify': ['shppa_', 'shpca_', 'shpat_', 'shpss_'],
  '@secretlint/secretlint-rule-github': ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_', 'x-oauth-basic'],
  '@secretlint/secretlint-rule-openai': ['sk-'],
  '@secretlint/secretlint-rule-anthropic': ['sk-ant-'],
  '@secretlint/secretlint-rule-linear': ['lin_api_'],
  '@secretlint/secretlint-rule-1password': ['ops_'],
  '@secretlint/secretlint-rule-database-connection-string': ['://'],
  // Only honours opt-out comments, which tool output may not use (its `ignore` is a no-op here).
  '@secretlint/secretlint-rule-filter-comments': ['secretlint'],
};

/** Ids of the preset rules in force, for the threat model and its test. */
export const presetRuleIds: readonly string[] = rules.map((rule) => rule.id);

function sourceCode(content: string): SecretLintSourceCode {
  const origin = { line: 1, column: 0 };
  return {
    hasBOM: false,
    content,
    filePath: undefined,
    physicalFilePath: undefined,
    contentType: 'text',
    ext: '',
    getFilePath: () => undefined,
    getPhysicalFilePath: () => undefined,
    locationToRange: () => [0, 0],
    rangeToLocation: () => ({ start: origin, end: origin }),
    positionToIndex: () => 0,
    indexToPosition: () => origin,
  };
}

/**
 * Ranges of `text` that a preset rule reports as a secret. `lower` is the text lowercased (for
 * the prefilter); with `isPrefiltered` false every rule runs (the reference the prefilter is
 * tested against).
 */
export function presetSecretRanges(text: string, lower = text.toLowerCase(), isPrefiltered = true): SecretRange[] {
  const found: SecretRange[] = [];
  sink = found;
  try {
    const source = sourceCode(text);
    for (const rule of rules) {
      const keywords = PRESET_KEYWORDS[rule.id];
      if (isPrefiltered && keywords && !keywords.some((keyword) => lower.includes(keyword))) continue;
      const pending = rule.handler.file?.(source);
      // A future preset version with an asynchronous rule would silently report nothing here; fail loudly instead.
      if (pending instanceof Promise) throw new Error(`secretlint rule ${rule.id} became asynchronous`);
    }
  } finally {
    sink = [];
  }
  return found.map((range) => narrowToPassword(text, range));
}

/** A connection string keeps its scheme, user and host: only the password is the secret. */
function narrowToPassword(text: string, range: SecretRange): SecretRange {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^@\s/]+)@/i.exec(text.slice(range[0], range[1]));
  if (!match?.[1]) return range;
  const start = range[0] + match[0].length - 1 - match[1].length;
  return [start, start + match[1].length];
}
