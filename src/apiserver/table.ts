// Server-side printing: meta.k8s.io/v1 Table (kubectl-wire.md §3). Columns come from podnet's own
// printer (columnsFor in src/cli/print/resource-table.ts, so `podnet get` and `kubectl get` agree),
// plus the AGE column kubectl users expect; wide columns are priority 1 (shown by `-o wide`).
import type { KubeObject, Pod } from '../api/types.js';
import { columnsFor } from '../cli/print/resource-table.js';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  object?: KubeObject;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string };
  columnDefinitions: TableColumnDefinition[] | null;
  rows: TableRow[];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  includeObject?: IncludeObject;
  resourceVersion?: string;
  /** All pods (the Node printer counts them). */
  pods?: Pod[];
  now?: Date;
  /** Watch events after the first may omit the column definitions. */
  omitColumns?: boolean;
}

/** `NAME` → `Name`, `CLUSTER-IP` → `Cluster-IP`, `PORT(S)` → `Port(s)` (kubectl upper-cases). */
export function columnTitle(header: string): string {
  return header
    .split('-')
    .map((w) => (['IP', 'CIDR'].includes(w) ? w : w.charAt(0) + w.slice(1).toLowerCase()))
    .join('-');
}

/** apimachinery duration.HumanDuration (kubectl-wire.md §2.1). */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(s / 3600);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 730) return `${d}d`;
  const y = Math.floor(d / 365);
  if (y < 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

export function age(o: KubeObject, now: Date): string {
  const ts = o.metadata?.creationTimestamp;
  return ts ? humanDuration(now.getTime() - Date.parse(ts)) : '<unknown>';
}

function partialMetadata(o: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function columnDefinitions(kind: string): TableColumnDefinition[] {
  const cols = columnsFor(kind, []);
  const def = (name: string, priority: number, i: number): TableColumnDefinition => ({
    name: columnTitle(name),
    type: 'string',
    format: i === 0 && priority === 0 ? 'name' : '',
    description: '',
    priority,
  });
  return [
    ...cols.headers.map((h, i) => def(h, 0, i)),
    def('AGE', 0, -1),
    ...(cols.wide ?? []).map((h) => def(h, 1, -1)),
  ];
}

/** A Table of the objects (all of one kind), rows in the given order. */
export function toTable(kind: string, objects: KubeObject[], opts: TableOptions = {}): Table {
  const cols = columnsFor(kind, opts.pods ?? []);
  const now = opts.now ?? new Date();
  const include = opts.includeObject ?? 'Metadata';
  const rows = objects.map((o): TableRow => {
    const cells = cols.row(o, true);
    const n = cols.headers.length;
    const row: TableRow = { cells: [...cells.slice(0, n), age(o, now), ...cells.slice(n)] };
    if (include === 'Object') row.object = o;
    else if (include === 'Metadata') row.object = partialMetadata(o);
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : {},
    columnDefinitions: opts.omitColumns ? null : columnDefinitions(kind),
    rows,
  };
}
