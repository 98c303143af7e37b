import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { FanOutMode, ResolvedUpstream } from './config.js';
import { matchesAnyGlob } from './patterns.js';

/**
 * Whether a tool changes something. Safe by default: a tool is a write unless the upstream marks
 * it `readOnlyHint: true` (and does not also claim `destructiveHint: true`), or the gateway config
 * lists it in the upstream's `readOnlyTools`. Names our own servers declare as writes are writes
 * whatever their annotations say.
 */
export function isWriteTool(tool: Tool, upstream: ResolvedUpstream, knownWriteTools: ReadonlySet<string>): boolean {
  if (upstream.kind !== 'other' && knownWriteTools.has(tool.name)) return true;
  if (matchesAnyGlob(upstream.readOnlyTools, tool.name)) return false;
  const annotations = tool.annotations;
  return !(annotations?.readOnlyHint === true && annotations.destructiveHint !== true);
}

/**
 * What a federated tool does when the caller leaves out `instance` (overridable per tool in the
 * config's `fanOut` map):
 * - writes: `none` — never fanned out; `instance` is required.
 * - read tools ending in `_health` (`get_namespace_health`): `merge` — every instance answers.
 * - read tools starting with `get_`, `describe_` or `check_`: `resolve` — they name one object;
 *   every instance is asked, the one that has it answers, and several matches are reported as
 *   ambiguous so the caller picks an instance.
 * - every other read tool (`list_*`, `find_*`, `search_*`, `explain_*`): `merge` — results of
 *   every permitted instance, tagged with the instance, unreachable instances listed.
 */
export function fanOutModeOf(
  name: string,
  isWrite: boolean,
  overrides: Readonly<Record<string, FanOutMode>>,
): FanOutMode {
  const override = overrides[name];
  if (override !== undefined) return isWrite ? 'none' : override;
  if (isWrite) return 'none';
  if (name.endsWith('_health')) return 'merge';
  if (/^(get|describe|check)_/.test(name)) return 'resolve';
  return 'merge';
}
