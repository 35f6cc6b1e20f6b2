import { SingleBar } from 'cli-progress';
import type { PowProgress } from '@tezos-p2p/crypto';

export interface PowProgressDisplay {
  readonly onProgress: (p: PowProgress) => void;
  stop(): void;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

function rate(perSecond: number): string {
  return perSecond >= 1e6
    ? `${(perSecond / 1e6).toFixed(2)}M`
    : perSecond >= 1e3
      ? `${(perSecond / 1e3).toFixed(1)}k`
      : perSecond.toFixed(0);
}

/**
 * Progress of a proof-of-work search on stderr. The search is memoryless, so "progress" is attempts
 * against the expected count; the bar stops short of full rather than lie when a search runs long.
 * Without a terminal (CI, pipes) it prints a plain line every `plainIntervalMs` instead.
 */
export function powProgressDisplay(
  difficulty: number,
  stream: NodeJS.WriteStream = process.stderr,
  plainIntervalMs = 5000,
): PowProgressDisplay {
  if (!stream.isTTY) {
    let last = 0;
    return {
      onProgress: (p) => {
        if (p.elapsedSeconds * 1000 - last < plainIntervalMs) return;
        last = p.elapsedSeconds * 1000;
        stream.write(
          `proof of work ${difficulty}: ${p.attempts} attempts, ${rate(p.rate)} hash/s, ~${duration(p.etaSeconds)} left\n`,
        );
      },
      stop: () => undefined,
    };
  }
  const bar = new SingleBar({
    stream,
    format: `proof of work ${difficulty} |{bar}| {percentage}% | {hashrate} hash/s | {elapsed} elapsed, ~{left} left`,
    hideCursor: true,
    clearOnComplete: false,
    barsize: 30,
  });
  let started = false;
  return {
    onProgress: (p) => {
      const total = Math.max(1, Math.round(p.expectedAttempts));
      const value = Math.min(p.attempts, Math.floor(total * 0.99));
      const payload = { hashrate: rate(p.rate), left: duration(p.etaSeconds), elapsed: duration(p.elapsedSeconds) };
      if (!started) {
        bar.start(total, value, payload);
        started = true;
      } else bar.update(value, payload);
    },
    stop: () => {
      if (started) {
        bar.update(bar.getTotal());
        bar.stop();
      }
    },
  };
}
