import type { VertexState } from './graph-model.js';

/** Fill colour of each state, and the legend built from the same table so both always agree. */
export const STATE_COLOURS: Readonly<Record<VertexState, string>> = {
  self: '#3b6fd8',
  running: '#2e9e5b',
  accepted: '#8bc34a',
  requested: '#b0c4de',
  disconnected: '#9e9e9e',
  greylisted: '#f0a020',
  banned: '#d32f2f',
};

export const TRUSTED_BORDER = '#c9a400';

export const LEGEND: readonly { readonly label: string; readonly colour: string; readonly border?: boolean }[] = [
  { label: 'this node / devnet node', colour: STATE_COLOURS.self },
  { label: 'running', colour: STATE_COLOURS.running },
  { label: 'accepted (handshake)', colour: STATE_COLOURS.accepted },
  { label: 'requested (dialling)', colour: STATE_COLOURS.requested },
  { label: 'disconnected', colour: STATE_COLOURS.disconnected },
  { label: 'greylisted', colour: STATE_COLOURS.greylisted },
  { label: 'banned', colour: STATE_COLOURS.banned },
  { label: 'trusted (border)', colour: TRUSTED_BORDER, border: true },
];
