/**
 * The one redaction library: every boundary (MCP server output, gateway audit, model requests,
 * answers, the store, logs) imports it from here. It depends on nothing in `bot/` or
 * `mcp-servers/`, so both sides use the same rules while still sharing no other code.
 */
export {
  REDACTED,
  containsSecret,
  redactText,
  redactTextUnfiltered,
  redactValue,
  redactValueUnfiltered,
} from './redact.js';
export {
  activeRedactionScope,
  createRedactionScope,
  createRedactionScopes,
  withRedactionScope,
  type RedactionScope,
  type RedactionScopes,
} from './redaction-scope.js';
export { isSecretName } from './token-patterns.js';
export { presetRuleIds } from './preset-rules.js';
export { shannonEntropy } from './entropy.js';
export { logRedaction } from './log-redaction.js';
