import type { GraphModel } from './graph-model.js';

/** What the page shows, as data: for tests and for anyone scripting the page (`window.__tzp2pView`). */
export interface ViewSnapshot {
  readonly mode: 'node' | 'devnet';
  /** True once the first answers are drawn. */
  readonly ready: boolean;
  readonly vertices: readonly {
    readonly id: string;
    readonly label: string;
    readonly state: string;
    readonly trusted: boolean;
  }[];
  /** Connections, from the dialling side to the accepting side (vertex ids). */
  readonly edges: readonly { readonly source: string; readonly target: string }[];
  /** Events received from the log stream since the page opened. */
  readonly events: number;
  readonly eventKinds: readonly string[];
  /** The last failure talking to the node, if the last attempt failed. */
  readonly error: string | null;
}

declare global {
  interface Window {
    readonly __tzp2pView?: ViewSnapshot;
  }
}

/**
 * Publishes the view's state where a test or a script can read it without scraping the drawing: data
 * attributes of the summary element (`data-nodes`, `data-edges`, `data-events`, `data-ready`), its
 * text, and a frozen copy as `window.__tzp2pView` (a getter: it cannot be assigned from outside).
 */
export class ViewState {
  private snapshot: ViewSnapshot;

  constructor(
    private readonly summary: HTMLElement,
    mode: ViewSnapshot['mode'],
  ) {
    this.snapshot = Object.freeze({
      mode,
      ready: false,
      vertices: [],
      edges: [],
      events: 0,
      eventKinds: [],
      error: null,
    });
    Object.defineProperty(window, '__tzp2pView', { get: () => this.snapshot, configurable: false, enumerable: true });
    this.publish();
  }

  graph(model: GraphModel): void {
    this.set({
      ready: true,
      vertices: model.vertices.map((v) =>
        Object.freeze({ id: v.id, label: v.label, state: v.state, trusted: v.trusted }),
      ),
      edges: model.edges.map((e) => Object.freeze({ source: e.source, target: e.target })),
    });
  }

  events(count: number, kinds: readonly string[]): void {
    this.set({ events: count, eventKinds: kinds });
  }

  error(message: string | null): void {
    if (message !== this.snapshot.error) this.set({ error: message });
  }

  private set(patch: Partial<ViewSnapshot>): void {
    this.snapshot = Object.freeze({ ...this.snapshot, ...patch });
    this.publish();
  }

  private publish(): void {
    const s = this.snapshot;
    const d = this.summary.dataset;
    d['mode'] = s.mode;
    d['ready'] = String(s.ready);
    d['nodes'] = String(s.vertices.length);
    d['edges'] = String(s.edges.length);
    d['events'] = String(s.events);
    this.summary.textContent =
      `${s.vertices.length} vertices · ${s.edges.length} connections · ${s.events} events` +
      (s.error === null ? '' : ` · ${s.error}`);
    this.summary.classList.toggle('error', s.error !== null);
  }
}
