/**
 * Server-side printing: `meta.k8s.io/v1` Table responses with the columns the real API server
 * returns per kind (pods: Ready/Status/Restarts/Age, events: Last Seen/Type/Reason/Object/
 * Message, ...), custom resources from their CRD printer columns, NAME/AGE otherwise.
 */
import type { KubeObject } from './cluster-api.js';
import { ageSince } from './human-duration.js';
import { RESOURCE_PRINTERS } from './resource-printers.js';
import { col, type Printer } from './table-printing.js';
import { WORKLOAD_PRINTERS } from './workload-printers.js';
import { printerColumns } from '../kyverno/crds.js';
import { evaluateJsonPath } from './json-path.js';

export type { TableColumn } from './table-printing.js';

const PRINTERS: Record<string, Printer> = { ...WORKLOAD_PRINTERS, ...RESOURCE_PRINTERS };

const DEFAULT_PRINTER: Printer = {
  columns: [col('Name'), col('Age')],
  cells: (object, now) => [object.metadata.name, ageSince(object.metadata.creationTimestamp, now)],
};

function printerFor(kind: string): Printer {
  const builtIn = PRINTERS[kind];
  if (builtIn) return builtIn;
  const custom = printerColumns(kind);
  if (!custom) return DEFAULT_PRINTER;
  return {
    columns: [col('Name'), ...custom.map((c) => col(c.name, c.type === 'date' ? 'date' : c.type, c.priority ?? 0))],
    cells: (object, now) => [
      object.metadata.name,
      ...custom.map((c) => {
        const value = evaluateJsonPath(object, c.jsonPath);
        if (c.type === 'date') return value === undefined ? '<unknown>' : ageSince(value, now);
        return value === undefined ? null : value;
      }),
    ],
  };
}

/** What each row carries as its object (the `includeObject` query parameter). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Builds a Table for the objects of one kind. */
export function buildTable(
  kind: string,
  objects: KubeObject[],
  now: Date,
  includeObject: IncludeObject,
  metadata: Record<string, unknown>,
): Record<string, unknown> {
  const printer = printerFor(kind);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: printer.columns,
    rows: objects.map((object) => ({
      cells: printer.cells(object, now),
      ...(includeObject === 'None'
        ? {}
        : {
            object:
              includeObject === 'Object'
                ? object
                : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata },
          }),
    })),
  };
}
