import { estimateTokens } from '../tokens.js';
import { BODY_TOKEN_LIMIT, BODY_TOKEN_WARNING, REQUIRED_SECTIONS } from '../skill-spec.js';
import type { IssueSink, LintContext } from './lint-types.js';

const DATE_PREFIX = /^(?:[-*+]|\d+\.)\s+(?:\*\*|_)?\d{4}-\d{2}-\d{2}\b/;

function checkCorrections(context: LintContext, sink: IssueSink): void {
  const section = context.structure.sections.find((candidate) => candidate.title.toLowerCase() === 'corrections');
  if (!section) return;
  const bodyLines = context.source.body.split('\n');
  for (let line = section.line + 1; line <= section.endLine; line += 1) {
    const text = bodyLines[line - context.source.bodyStartLine] ?? '';
    if (/^(?:[-*+]|\d+\.)\s+/.test(text) && !DATE_PREFIX.test(text)) {
      sink.error(
        line,
        'correction-date',
        'each correction starts with its date: `- 2025-01-31: what was wrong and what is right`',
      );
    }
    if (/^###\s+/.test(text) && !/^###\s+\d{4}-\d{2}-\d{2}\b/.test(text)) {
      sink.error(line, 'correction-date', 'correction headings start with a date: `### 2025-01-31 ...`');
    }
  }
}

/** Our body conventions: the four sections, in order, filled in; the token budget; links. */
export function checkSections(context: LintContext, sink: IssueSink): void {
  const { structure, source } = context;
  const seen = new Map<string, number>();
  for (const section of structure.sections) {
    const key = section.title.toLowerCase();
    const expected = REQUIRED_SECTIONS.find((title) => title.toLowerCase() === key);
    if (!expected) continue;
    if (seen.has(key))
      sink.error(
        section.line,
        'section-duplicate',
        `\`## ${expected}\` appears twice (first on line ${seen.get(key)})`,
      );
    else seen.set(key, section.line);
    if (expected !== 'Corrections' && section.markdown.trim().length === 0) {
      sink.error(section.line, 'section-empty', `\`## ${expected}\` is empty`);
    }
  }
  const missing = REQUIRED_SECTIONS.filter((title) => !seen.has(title.toLowerCase()));
  for (const title of missing) {
    sink.error(
      source.bodyStartLine,
      'section-missing',
      `missing section \`## ${title}\` (every skill has ${REQUIRED_SECTIONS.map((name) => `## ${name}`).join(', ')})`,
    );
  }
  if (missing.length === 0) {
    const order = REQUIRED_SECTIONS.map((title) => seen.get(title.toLowerCase()) ?? 0);
    const sorted = [...order].sort((left, right) => left - right);
    if (order.some((line, index) => line !== sorted[index])) {
      sink.warning(
        sorted[0] ?? 1,
        'section-order',
        `sections should come in the order ${REQUIRED_SECTIONS.join(', ')}`,
      );
    }
  }
  checkCorrections(context, sink);
  const tokens = estimateTokens(source.body);
  if (tokens > BODY_TOKEN_LIMIT) {
    sink.error(
      source.bodyStartLine,
      'body-size',
      `body is about ${tokens} tokens; keep it under ${BODY_TOKEN_LIMIT} and move detail to references/`,
    );
  } else if (tokens > BODY_TOKEN_WARNING) {
    sink.warning(
      source.bodyStartLine,
      'body-size',
      `body is about ${tokens} tokens, close to the ${BODY_TOKEN_LIMIT} budget; consider references/`,
    );
  }
}

/** Relative links must stay inside the skill folder and point at files that exist. */
export function checkLinks(context: LintContext, sink: IssueSink): void {
  for (const link of context.structure.links) {
    const url = link.url.trim();
    if (url === '' || url.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(url)) continue;
    const path = decodeURI(url.split('#')[0] ?? '').split('?')[0] ?? '';
    if (path.startsWith('/') || path.split('/').includes('..')) {
      sink.error(
        link.line,
        'reference-path',
        `link '${url}' leaves the skill folder; link files under references/ with a relative path`,
      );
      continue;
    }
    if (context.options.fileExists && !context.options.fileExists(path.replace(/^\.\//, ''))) {
      sink.error(
        link.line,
        'reference-missing',
        `link '${url}' points at a file that does not exist in the skill folder`,
      );
    }
  }
}
