import { parseSignals } from '../signals.js';
import { frontmatterKeyLine } from '../skill-source.js';
import {
  ALLOWED_FRONTMATTER_KEYS,
  COMPATIBILITY_MAX,
  DESCRIPTION_MAX,
  METADATA_OWNER,
  METADATA_SEVERITY,
  METADATA_SIGNALS,
  SEVERITIES,
  SKILL_NAME_MAX,
  SKILL_NAME_PATTERN,
  WRITE_TOOLS,
} from '../skill-spec.js';
import type { IssueSink, LintContext } from './lint-types.js';

function checkName(context: LintContext, sink: IssueSink, value: unknown): void {
  const line = frontmatterKeyLine(context.source, 'name');
  if (value === undefined) {
    sink.error(1, 'name-required', 'frontmatter needs `name` (the folder name)');
    return;
  }
  if (typeof value !== 'string' || value.length === 0) {
    sink.error(line, 'name-format', '`name` must be a non-empty string');
    return;
  }
  if (value.length > SKILL_NAME_MAX) {
    sink.error(line, 'name-length', `\`name\` is ${value.length} characters; at most ${SKILL_NAME_MAX}`);
  }
  if (!SKILL_NAME_PATTERN.test(value)) {
    sink.error(
      line,
      'name-format',
      `\`name\` '${value}' must be lowercase a-z and 0-9 joined by single hyphens, without a leading or ` +
        `trailing hyphen`,
    );
  }
  if (value !== context.folderName) {
    sink.error(line, 'name-folder', `\`name\` '${value}' must equal the folder name '${context.folderName}'`);
  }
}

function checkDescription(context: LintContext, sink: IssueSink, value: unknown): void {
  const line = frontmatterKeyLine(context.source, 'description');
  if (value === undefined) {
    sink.error(1, 'description-required', 'frontmatter needs `description`: what the skill covers and when to use it');
    return;
  }
  if (typeof value !== 'string' || value.trim().length === 0) {
    sink.error(line, 'description-length', '`description` must be a non-empty string');
    return;
  }
  if (value.length > DESCRIPTION_MAX) {
    sink.error(line, 'description-length', `\`description\` is ${value.length} characters; at most ${DESCRIPTION_MAX}`);
  }
  if (/[<>]/.test(value)) {
    sink.error(
      line,
      'description-angle-brackets',
      '`description` must not contain < or > (it is pasted into prompts as plain text)',
    );
  }
}

function checkAllowedTools(context: LintContext, sink: IssueSink, value: unknown): void {
  if (value === undefined) return;
  const line = frontmatterKeyLine(context.source, 'allowed-tools');
  if (typeof value !== 'string') {
    sink.error(
      line,
      'allowed-tools-format',
      '`allowed-tools` must be one space-separated string, e.g. "get_pod_logs list_events"',
    );
    return;
  }
  const tools = value.split(/\s+/).filter(Boolean);
  for (const tool of tools) {
    const bare = tool.replace(/\(.*\)$/, '');
    if (WRITE_TOOLS.includes(bare)) {
      sink.error(
        line,
        'write-tool-allowed',
        `\`allowed-tools\` pre-approves '${bare}', a write tool; writes need an on-call approval each time`,
      );
    } else if (context.options.knownTools && !context.options.knownTools.has(bare)) {
      sink.error(line, 'unknown-tool', `\`allowed-tools\` names '${bare}', which no MCP server offers`);
    }
  }
}

function signalLine(context: LintContext, offset: number, signals: string): number {
  const keyLine = frontmatterKeyLine(context.source, METADATA_SIGNALS, true);
  const keyText = context.source.frontmatterLines[keyLine - 2] ?? '';
  const isBlock = /:\s*[|>][-+]?\s*$/.test(keyText);
  return keyLine + (isBlock ? 1 : 0) + (signals.slice(0, offset).match(/\n/g)?.length ?? 0);
}

function checkMetadata(context: LintContext, sink: IssueSink, value: unknown): void {
  const line = frontmatterKeyLine(context.source, 'metadata');
  if (value === undefined) {
    sink.warning(
      1,
      'signals-missing',
      '`metadata.signals` is missing: the skill can only be found by search, never by evidence',
    );
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    sink.error(line, 'metadata-type', '`metadata` must be a mapping of string keys to string values');
    return;
  }
  const metadata = value as Record<string, unknown>;
  for (const [key, entry] of Object.entries(metadata)) {
    if (typeof entry !== 'string') {
      sink.error(
        frontmatterKeyLine(context.source, key, true),
        'metadata-type',
        `\`metadata.${key}\` must be a string (quote it in YAML), got ` +
          `${Array.isArray(entry) ? 'a list' : typeof entry}`,
      );
    }
  }
  const signals = metadata[METADATA_SIGNALS];
  if (signals === undefined) {
    sink.warning(
      line,
      'signals-missing',
      '`metadata.signals` is missing: the skill can only be found by search, never by evidence',
    );
  } else if (typeof signals === 'string') {
    const parsed = parseSignals(signals);
    for (const error of parsed.errors) {
      sink.error(
        signalLine(context, error.offset, signals),
        'signal-syntax',
        `${error.message} (in '${error.clause}')`,
      );
    }
    if (parsed.errors.length === 0 && parsed.signals.every((signal) => signal.isCounter)) {
      sink.error(
        frontmatterKeyLine(context.source, METADATA_SIGNALS, true),
        'signal-syntax',
        'signals need at least one positive clause',
      );
    }
  }
  if (metadata[METADATA_OWNER] === undefined) {
    sink.warning(
      line,
      'owner-missing',
      '`metadata.owner` is missing: name the team that reviews changes to this skill',
    );
  }
  const severity = metadata[METADATA_SEVERITY];
  if (typeof severity === 'string' && !SEVERITIES.includes(severity)) {
    sink.error(
      frontmatterKeyLine(context.source, METADATA_SEVERITY, true),
      'severity-value',
      `\`metadata.severity\` '${severity}' must be one of ${SEVERITIES.join(', ')}`,
    );
  }
}

/** Agent Skills frontmatter rules plus our metadata conventions. */
export function checkFrontmatter(context: LintContext, sink: IssueSink): void {
  const { source } = context;
  if (source.frontmatterError || !source.frontmatter) {
    sink.error(
      source.frontmatterError?.line ?? 1,
      'frontmatter',
      source.frontmatterError?.message ?? 'missing frontmatter',
    );
    return;
  }
  const data = source.frontmatter;
  for (const key of Object.keys(data)) {
    if (!ALLOWED_FRONTMATTER_KEYS.includes(key)) {
      sink.error(
        frontmatterKeyLine(source, key),
        'unknown-key',
        `unknown frontmatter key '${key}': the spec allows ${ALLOWED_FRONTMATTER_KEYS.join(', ')}; put extras ` +
          `under metadata`,
      );
    }
  }
  checkName(context, sink, data.name);
  checkDescription(context, sink, data.description);
  if (data.license !== undefined && typeof data.license !== 'string') {
    sink.error(
      frontmatterKeyLine(source, 'license'),
      'license-type',
      '`license` must be a string (a licence name or a bundled file)',
    );
  }
  const compatibility = data.compatibility;
  if (compatibility !== undefined) {
    const line = frontmatterKeyLine(source, 'compatibility');
    if (typeof compatibility !== 'string' || compatibility.trim().length === 0) {
      sink.error(line, 'compatibility-length', '`compatibility` must be a non-empty string');
    } else if (compatibility.length > COMPATIBILITY_MAX) {
      sink.error(
        line,
        'compatibility-length',
        `\`compatibility\` is ${compatibility.length} characters; at most ${COMPATIBILITY_MAX}`,
      );
    }
  }
  checkAllowedTools(context, sink, data['allowed-tools']);
  checkMetadata(context, sink, data.metadata);
}
