import type { StatJson } from '../devnet-api.js';

export function bytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** `P2p_stat` as one line: totals, then current rates. */
export function statLine(s: StatJson): string {
  return `sent ${bytes(Number(s.total_sent))} · received ${bytes(Number(s.total_recv))} · in ${bytes(s.current_inflow)}/s · out ${bytes(s.current_outflow)}/s`;
}
