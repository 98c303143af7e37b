import type { RecipeResult } from '../fix-plan.js';
import { EditSet, type RecipeContext } from '../recipe-context.js';
import { fieldSource, workloadContainers } from '../source-tree.js';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HANDLERS = ['httpGet', 'tcpSocket', 'grpc'] as const;

function containerPorts(value: unknown): number[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((port) => {
    const number = (port as { containerPort?: unknown } | null)?.containerPort;
    return typeof number === 'number' ? [number] : [];
  });
}

/** A probe on a port the container does not listen on: point it at the one port it does. */
export function probePortRecipe(context: RecipeContext): RecipeResult {
  const { current } = context;
  const edits = new EditSet(current);
  const reasons: string[] = [];
  for (const { key, name } of workloadContainers(current)) {
    const ports = containerPorts(fieldSource(current, key, name, ['ports'])?.value);
    const listening = ports.length === 1 ? ports[0] : undefined;
    if (listening === undefined) continue;
    for (const probe of PROBES) {
      for (const handler of HANDLERS) {
        const source = fieldSource(current, key, name, [probe, handler, 'port']);
        if (!source || typeof source.value !== 'number' || source.value === listening) continue;
        const refusal = EditSet.refusal(source.document);
        if (refusal) return { kind: 'handoff', reason: refusal };
        edits.set(source.document.file, source.document.index, source.path, listening, source.value);
        reasons.push(`${key} container ${name}: ${probe} port ${source.value} → ${listening}, the port it listens on`);
      }
    }
  }
  if (edits.edits.length === 0) return undefined;
  return {
    kind: 'edits',
    title: `${context.app.name}: probe the port the container listens on`,
    rationale: `${reasons.join('; ')}.`,
    edits: edits.edits,
    files: edits.files(),
  };
}
