import { el } from './dom.js';
import { type EventFilter, type LogEntry, eventDetails, eventKind, matchesFilter } from './event-filter.js';
import type { EventJson } from './rpc-types.js';

/** Entries kept; older ones are dropped from the page (the node's own log keeps everything). */
const KEPT = 500;

/**
 * The live event log with its filters: a kind selector filled with the kinds seen so far, and a
 * peer / point text filter. Newest first.
 */
export class LogView {
  private readonly entries: LogEntry[] = [];
  private readonly kinds = new Set<string>();
  private filter: EventFilter = { kinds: new Set(), subject: '' };
  private seq = 0;
  private total = 0;

  constructor(
    private readonly list: HTMLOListElement,
    private readonly kindSelect: HTMLSelectElement,
    subjectInput: HTMLInputElement,
    private readonly nodeLabel: (node: number | undefined) => string,
  ) {
    const apply = () => {
      const chosen = [...kindSelect.selectedOptions].map((o) => o.value).filter((v) => v !== '');
      this.filter = { kinds: new Set(chosen), subject: subjectInput.value };
      this.render();
    };
    kindSelect.addEventListener('change', apply);
    subjectInput.addEventListener('input', apply);
  }

  /** Events received since the page opened (kept or not). */
  get received(): number {
    return this.total;
  }

  get kindsSeen(): string[] {
    return [...this.kinds].sort();
  }

  recent(n: number): LogEntry[] {
    return this.entries.slice(-n);
  }

  add(event: EventJson, node?: number): void {
    const entry: LogEntry = { seq: this.seq++, at: Date.now(), node, event };
    this.total++;
    this.entries.push(entry);
    if (this.entries.length > KEPT) this.entries.shift();
    const kind = eventKind(event);
    if (!this.kinds.has(kind)) {
      this.kinds.add(kind);
      this.kindSelect.append(el('option', kind, { value: kind }));
    }
    if (matchesFilter(entry, this.filter)) {
      this.list.prepend(this.item(entry));
      while (this.list.childElementCount > KEPT) this.list.lastElementChild?.remove();
    }
  }

  private render(): void {
    const items = this.entries.filter((e) => matchesFilter(e, this.filter)).map((e) => this.item(e));
    this.list.replaceChildren(...items.reverse());
  }

  private item(e: LogEntry): HTMLLIElement {
    const li = el('li', undefined, { 'data-kind': eventKind(e.event) });
    li.append(
      el('time', new Date(e.at).toLocaleTimeString()),
      el('span', this.nodeLabel(e.node), { class: 'node' }),
      el('span', eventKind(e.event), { class: 'kind' }),
      el('span', eventDetails(e.event), { class: 'subject' }),
    );
    return li;
  }
}
