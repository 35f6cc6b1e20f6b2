import type { EventJson } from './rpc-types.js';

/** One entry of the page's event log: which node saw it (devnet) and when it arrived. */
export interface LogEntry {
  readonly seq: number;
  readonly at: number;
  readonly node: number | undefined;
  readonly event: EventJson;
}

export interface EventFilter {
  /** Event kinds shown (`connection_established` …); empty: all. */
  readonly kinds: ReadonlySet<string>;
  /** A substring of the peer id or point the event is about; empty: all. */
  readonly subject: string;
}

export function eventKind(e: EventJson): string {
  return typeof e.event === 'string' ? e.event : 'unknown';
}

/** The peer ids and points an event names, as text (`peer_id`, `point`, `id_point`, `identity`). */
export function eventSubjects(e: EventJson): string[] {
  const out: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(add);
    else if (v !== null && typeof v === 'object') {
      const p = v as { addr?: unknown; port?: unknown };
      if (typeof p.addr === 'string') out.push(p.port === undefined ? p.addr : `${p.addr}:${String(p.port)}`);
    }
  };
  for (const k of ['peer_id', 'point', 'id_point', 'identity', 'source']) add(e[k]);
  return out;
}

export function matchesFilter(entry: LogEntry, f: EventFilter): boolean {
  if (f.kinds.size > 0 && !f.kinds.has(eventKind(entry.event))) return false;
  const needle = f.subject.trim().toLowerCase();
  return needle === '' || eventSubjects(entry.event).some((s) => s.toLowerCase().includes(needle));
}

/** One line of text for an event, without its kind (shown apart). */
export function eventDetails(e: EventJson): string {
  return eventSubjects(e).join(' ');
}
