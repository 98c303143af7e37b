import { Counter, Histogram, type Registry } from 'prom-client';
import type { MetricName } from './attributes.js';

/** One counter or histogram as sre-bot declares it: a name from {@link MetricName}, help text, labels. */
export type MetricDeclaration =
  | { kind: 'counter'; name: (typeof MetricName)[keyof typeof MetricName]; help: string; labels?: readonly string[] }
  | {
      kind: 'histogram';
      name: (typeof MetricName)[keyof typeof MetricName];
      help: string;
      labels?: readonly string[];
      buckets: readonly number[];
    };

/** The instruments a table of declarations registers, under the table's own keys. */
export type DeclaredMetrics<Table extends Record<string, MetricDeclaration>> = {
  [Key in keyof Table]: Table[Key]['kind'] extends 'counter' ? Counter : Histogram;
};

/**
 * Registers a table of metric declarations on a role's registry (once per registry) and returns
 * the instruments by key: every role declares its metrics the same way, as data, and the names
 * come from the one list in `attributes.ts`.
 */
export function declareMetrics<const Table extends Record<string, MetricDeclaration>>(
  registry: Registry,
  table: Table,
): DeclaredMetrics<Table> {
  const registers = [registry];
  const entries = Object.entries(table).map(([key, declaration]) => {
    const common = {
      name: declaration.name,
      help: declaration.help,
      labelNames: [...(declaration.labels ?? [])],
      registers,
    };
    const instrument =
      declaration.kind === 'counter'
        ? new Counter(common)
        : new Histogram({ ...common, buckets: [...declaration.buckets] });
    return [key, instrument] as const;
  });
  // Built from the table's own entries, so every key has its instrument of the declared kind.
  return Object.fromEntries(entries) as DeclaredMetrics<Table>;
}
