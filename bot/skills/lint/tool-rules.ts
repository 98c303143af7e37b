import type { IssueSink, LintContext } from './lint-types.js';

/** Verbs MCP tool names start with (docs/architecture.md: snake_case, verb first). */
const TOOL_VERBS = [
  'get',
  'list',
  'describe',
  'find',
  'check',
  'explain',
  'search',
  'load',
  'sync',
  'rollback',
  'rollout',
  'scale',
  'delete',
  'create',
  'update',
  'patch',
  'apply',
  'restart',
  'watch',
  'query',
  'diff',
  'show',
  'read',
];
const TOOL_REFERENCE = new RegExp(`^(?:(${TOOL_VERBS.join('|')})_[a-z0-9]+(?:_[a-z0-9]+)*)(?:\\(.*\\))?$`);

/** The tool name an inline code span refers to (`get_pod_logs` or `get_pod_logs(tail: 50)`), if any. */
export function toolNameIn(code: string): string | undefined {
  const match = TOOL_REFERENCE.exec(code.trim());
  return match ? code.trim().replace(/\(.*$/, '') : undefined;
}

/**
 * Tool names written in `## Investigate` (as inline code) must exist on the MCP servers; the
 * section should name at least one tool, since a step without a tool is a step the bot cannot take.
 */
export function checkInvestigateTools(context: LintContext, sink: IssueSink): void {
  const section = context.structure.sections.find((candidate) => candidate.title.toLowerCase() === 'investigate');
  if (!section) return;
  const known = context.options.knownTools;
  let named = 0;
  for (const code of section.inlineCode) {
    const tool = toolNameIn(code.value);
    if (!tool) continue;
    named += 1;
    if (known && !known.has(tool)) {
      sink.error(
        code.line,
        'unknown-tool',
        `\`## Investigate\` names '${tool}', which no MCP server offers${suggest(tool, known)}`,
      );
    }
  }
  if (named === 0) {
    sink.warning(
      section.line,
      'investigate-no-tools',
      '`## Investigate` names no MCP tool; write each step as the tool to call, e.g. `list_events`',
    );
  }
}

function suggest(tool: string, known: ReadonlySet<string>): string {
  const parts = new Set(tool.split('_'));
  let best: { name: string; score: number } | undefined;
  for (const name of known) {
    const score = name.split('_').filter((part) => parts.has(part)).length;
    if (score > 0 && (!best || score > best.score)) best = { name, score };
  }
  return best ? ` (did you mean '${best.name}'?)` : '';
}
