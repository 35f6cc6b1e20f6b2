import cytoscape from 'cytoscape';
import type { GraphModel } from './graph-model.js';
import { STATE_COLOURS, TRUSTED_BORDER } from './states.js';

/**
 * The cytoscape drawing of a `GraphModel`. Elements are updated in place (added, removed, restyled),
 * and the layout is run again only when vertices come or go, so a graph that only changes colour
 * stays where the reader is looking.
 */
export class GraphView {
  private readonly cy: cytoscape.Core;

  constructor(
    container: HTMLElement,
    private readonly centred: boolean,
  ) {
    this.cy = cytoscape({
      container,
      style: [
        {
          selector: 'node',
          style: {
            label: 'data(label)',
            'background-color': 'data(colour)',
            'font-size': 10,
            color: '#222',
            'text-valign': 'bottom',
            'text-margin-y': 4,
            width: 26,
            height: 26,
          },
        },
        { selector: 'node[kind = "node"]', style: { width: 36, height: 36, 'font-weight': 'bold' } },
        { selector: 'node[kind = "point"]', style: { shape: 'round-rectangle' } },
        { selector: 'node[?trusted]', style: { 'border-width': 4, 'border-color': TRUSTED_BORDER } },
        {
          selector: 'edge',
          style: {
            width: 2,
            'line-color': STATE_COLOURS.running,
            'target-arrow-color': STATE_COLOURS.running,
            'target-arrow-shape': 'triangle',
            'curve-style': 'bezier',
          },
        },
      ],
      layout: { name: 'grid' },
    });
  }

  update(model: GraphModel): void {
    const cy = this.cy;
    const wanted = new Set([...model.vertices.map((v) => v.id), ...model.edges.map((e) => e.id)]);
    let changed = false;
    cy.batch(() => {
      cy.elements()
        .filter((e) => !wanted.has(e.id()))
        .forEach((e) => {
          e.remove();
          changed = true;
        });
      for (const v of model.vertices) {
        const data = {
          id: v.id,
          label: v.label,
          kind: v.kind,
          state: v.state,
          trusted: v.trusted,
          colour: STATE_COLOURS[v.state],
          title: v.title,
        };
        const existing = cy.getElementById(v.id);
        if (existing.nonempty()) existing.data(data);
        else {
          cy.add({ group: 'nodes', data });
          changed = true;
        }
      }
      for (const e of model.edges)
        if (cy.getElementById(e.id).empty()) {
          cy.add({ group: 'edges', data: { id: e.id, source: e.source, target: e.target } });
          changed = true;
        }
    });
    if (changed) this.layout();
  }

  private layout(): void {
    const opts: cytoscape.LayoutOptions = this.centred
      ? {
          name: 'concentric',
          concentric: (n: cytoscape.NodeSingular) => (n.data('kind') === 'node' ? 2 : 1),
          levelWidth: () => 1,
          minNodeSpacing: 30,
          animate: false,
        }
      : { name: 'circle', animate: false, padding: 30 };
    this.cy.layout(opts).run();
  }
}
