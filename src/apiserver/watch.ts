// WATCH (kubectl-wire.md §4): newline-terminated JSON events on a chunked response. From
// `resourceVersion` N, history after N is replayed, then live events follow; no resourceVersion
// (or "0") starts with synthetic ADDED events for the current state. A resourceVersion older than
// the kept history gets an in-stream ERROR event carrying a 410 Expired Status, then the stream
// closes (clients relist). Bookmarks when allowed; `timeoutSeconds` ends the stream normally.
// Table Accept: each event's object is a one-row Table (column definitions on the first only).
import type { KubeObject, Pod } from '../api/types.js';
import { isExpired } from '../store/errors.js';
import type { WatchEvent } from '../store/store.js';
import { includeObjectOf, wantsTable } from './negotiate.js';
import type { Resource } from './resources.js';
import type { ResourceRoute } from './rest.js';
import { objectFilter } from './selectors.js';
import { failure } from './status.js';
import { toTable } from './table.js';
import type { ApiContext, ApiRequest, ApiResponse, Sink } from './types.js';
import { JSON_TYPE, TABLE_TYPE } from './types.js';

export function handleWatch(
  ctx: ApiContext,
  req: ApiRequest,
  route: ResourceRoute,
  r: Resource,
): ApiResponse {
  // Parse selectors before answering 200, so a bad selector is a plain 400.
  const filter = objectFilter(req.query.get('labelSelector'), req.query.get('fieldSelector'));
  const table = wantsTable(req.accept);
  return {
    status: 200,
    contentType: table ? TABLE_TYPE : JSON_TYPE,
    stream: (sink) => runWatch(ctx, req, route, r, filter, table, sink),
  };
}

function runWatch(
  ctx: ApiContext,
  req: ApiRequest,
  route: ResourceRoute,
  r: Resource,
  filter: (o: KubeObject) => boolean,
  table: boolean,
  sink: Sink,
): void {
  let first = true;
  let closed = false;
  const timers: NodeJS.Timeout[] = [];
  let stop = () => {};
  const close = () => {
    if (closed) return;
    closed = true;
    stop();
    for (const t of timers) clearTimeout(t);
    sink.end();
  };
  sink.onClose(close);

  const send = (type: string, object: unknown) => {
    if (!closed) sink.write(JSON.stringify({ type, object }) + '\n');
  };
  const render = (o: KubeObject) => {
    if (!table) return o;
    const t = toTable(r.kind, [o], {
      includeObject: includeObjectOf(req.query),
      resourceVersion: o.metadata?.resourceVersion,
      pods: r.kind === 'Node' ? (ctx.store.list('Pod') as Pod[]) : [],
      now: ctx.now(),
      omitColumns: !first,
    });
    first = false;
    return t;
  };
  const onEvent = (e: WatchEvent) => {
    if (filter(e.object)) send(e.type, render(e.object));
  };

  const rvParam = req.query.get('resourceVersion');
  let from = Number(rvParam ?? 0);
  if (!Number.isFinite(from) || from < 0) from = 0;
  if (from === 0) {
    for (const o of ctx.store.list(r.kind, route.namespace)) if (filter(o)) send('ADDED', render(o));
    from = ctx.store.resourceVersion;
  }
  try {
    stop = ctx.store.watch(r.kind, from, onEvent, route.namespace);
  } catch (e) {
    if (!isExpired(e)) throw e;
    send('ERROR', failure(410, 'Expired', (e as Error).message));
    close();
    return;
  }

  const timeout = Number(req.query.get('timeoutSeconds') ?? 0);
  if (timeout > 0) timers.push(setTimeout(close, timeout * 1000));
  if (req.query.get('allowWatchBookmarks') === 'true') {
    const every = ctx.bookmarkIntervalMs ?? 60_000;
    const tick = () => {
      const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
      send('BOOKMARK', {
        kind: r.kind,
        apiVersion,
        metadata: { resourceVersion: String(ctx.store.resourceVersion) },
      });
      timers.push(setTimeout(tick, every));
    };
    timers.push(setTimeout(tick, every));
  }
}
