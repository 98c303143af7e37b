import { FIX_FACTS, isFixFact, parseFixCases } from '../fix-cases.js';
import type { IssueSink, LintContext } from './lint-types.js';

const LIST_ITEM = /^(?:[-*+]|\d+[.)])\s+/;

/** The file line of the section's n-th (1-based) markdown line, found by its text. */
function fileLineOf(context: LintContext, sectionLine: number, endLine: number, itemText: string): number {
  const bodyLines = context.source.body.split('\n');
  const head = itemText.slice(0, 30);
  for (let line = sectionLine + 1; line <= endLine; line += 1) {
    const text = bodyLines[line - context.source.bodyStartLine] ?? '';
    if (LIST_ITEM.test(text) && text.includes(head)) return line;
  }
  return sectionLine;
}

/**
 * The cases of `## Fix` (skills/README.md, "Fix cases"): when the section lists more than one
 * cure, each top-level item is a case with a bold title and a `when:` clause that singles it
 * out; clauses parse, at least one is positive, and every `{{placeholder}}` is a known fact.
 */
export function checkFixCases(context: LintContext, sink: IssueSink): void {
  const section = context.structure.sections.find((candidate) => candidate.title.toLowerCase() === 'fix');
  if (!section) return;
  const items = section.markdown.split('\n').filter((line) => LIST_ITEM.test(line));
  const cases = parseFixCases(section.markdown);
  const lineOf = (text: string) => fileLineOf(context, section.line, section.endLine, text);
  if (items.length > 1) {
    for (const item of items) {
      if (!/^(?:[-*+]|\d+[.)])\s+\*\*/.test(item))
        sink.error(
          lineOf(item.replace(LIST_ITEM, '').slice(0, 30)),
          'fix-case-title',
          'each item of `## Fix` is a case: start it with a bold title (`- **Tag that does not exist** `when: ' +
            '...`: ...`)',
        );
    }
  }
  for (const fixCase of cases) {
    const line = lineOf(`**${fixCase.title}**`);
    if (items.length > 1 && !fixCase.when)
      sink.error(
        line,
        'fix-case-when',
        `case '${fixCase.title}' needs a \`when: ...\` clause of the signals that single it out`,
      );
    for (const error of fixCase.errors)
      sink.error(line, 'fix-case-signal', `case '${fixCase.title}': ${error.message} (in '${error.clause}')`);
    if (fixCase.when && fixCase.signals.length > 0 && fixCase.signals.every((signal) => signal.isCounter))
      sink.error(line, 'fix-case-when', `case '${fixCase.title}' has only counter-clauses; add one that supports it`);
    for (const name of fixCase.placeholders.filter((candidate) => !isFixFact(candidate)))
      sink.error(
        line,
        'fix-case-placeholder',
        `case '${fixCase.title}': unknown placeholder {{${name}}}; use one of ${Object.keys(FIX_FACTS).join(', ')}`,
      );
  }
}
