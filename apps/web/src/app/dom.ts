/** The page's fixed elements (index.html); a missing one is a build mistake, reported at once. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`index.html has no #${id}`);
  return el as T;
}

/** An element with text and attributes, built without innerHTML (nothing from the network is parsed as HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  attrs: Readonly<Record<string, string>> = {},
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** A two-column table of `[key, value]` rows, replacing what `host` held. */
export function renderPairs(host: HTMLElement, rows: readonly (readonly [string, string])[]): void {
  const dl = el('dl');
  for (const [k, v] of rows) dl.append(el('dt', k), el('dd', v));
  host.replaceChildren(dl);
}
