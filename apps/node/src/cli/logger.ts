import { type Logger, destination, pino, stdTimeFunctions } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/**
 * Structured JSON logs (one object per line) on stderr, or appended to `file`. Synchronous writes:
 * a node stopped by a signal still flushes its last lines, and log volume here is far below what
 * would make that costly.
 */
export function createLogger(level: string, file?: string): Logger {
  const dest = file === undefined ? destination({ fd: 2, sync: true }) : destination({ dest: file, sync: true, mkdir: true, append: true });
  return pino({ level, base: { pid: process.pid }, timestamp: stdTimeFunctions.isoTime }, dest);
}
