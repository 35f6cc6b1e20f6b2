import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/cli/logger.js';
import { ConfigError, checkLogRules, logOutputOf, logSettings, resolveSettings } from '../src/index.js';
import { thrown } from './errors-of.js';

const dir = mkdtempSync(join(tmpdir(), 'tzp2p-log-'));

const configError = (f: () => unknown): ConfigError => thrown(ConfigError, f);

describe("config.json log: Octez's Logs_simple_config", () => {
  it("takes exactly Octez's level names, mapped onto pino's (notice, Octez's default, is info)", () => {
    const levels = { debug: 'debug', info: 'info', notice: 'info', warning: 'warn', error: 'error', fatal: 'fatal' };
    for (const [octez, pino] of Object.entries(levels))
      expect(logSettings({ level: octez }, undefined, false).level).toBe(pino);
    expect(logSettings(undefined, undefined, false).level).toBe('info');
    for (const bad of ['warn', 'trace', 'NOTICE']) {
      const e = configError(() => logSettings({ level: bad }, undefined, false));
      expect(e.key).toBe('log.level');
      expect(e.expected).toBe('one of debug, info, notice, warning, error, fatal');
    }
  });

  it('--log-level takes pino names and wins over the file', () => {
    expect(logSettings({ level: 'error' }, 'trace', false).level).toBe('trace');
    expect(configError(() => logSettings(undefined, 'notice', false)).key).toBe('--log-level');
  });

  it('outputs as Output.of_string reads them: stdout, stderr, null, syslog facilities, otherwise a file path', () => {
    expect(logOutputOf('stdout')).toEqual({ kind: 'stdout' });
    expect(logOutputOf('stderr')).toEqual({ kind: 'stderr' });
    expect(logOutputOf('null')).toEqual({ kind: 'null' });
    expect(logOutputOf('/dev/null')).toEqual({ kind: 'null' });
    expect(logOutputOf('syslog:local3')).toEqual({ kind: 'syslog', facility: 'local3' });
    expect(logOutputOf('syslog:bogus')).toEqual({ kind: 'file', path: 'syslog:bogus' });
    expect(logOutputOf('node.log')).toEqual({ kind: 'file', path: 'node.log' });
    expect(logSettings({}, undefined, false).output).toEqual({ kind: 'stderr' });
  });

  it('syslog is accepted and reported, logs staying on stderr', () => {
    const cfg = join(dir, 'syslog.json');
    writeFileSync(cfg, JSON.stringify({ log: { output: 'syslog:daemon' } }));
    const s = resolveSettings({ dataDir: dir, configFile: cfg });
    expect(s.logOutput).toEqual({ kind: 'syslog', facility: 'daemon' });
    expect(s.notes).toEqual(['log.output syslog:daemon: syslog is not supported here, logging to stderr']);
  });

  it("rules: Level_config_rules' syntax is checked (Octez stops on a bad rule) unless internal-events replaces the log sinks", () => {
    for (const ok of ['debug', 'p2p -> debug; * -> NOTICE', 'p2p.maintenance->none;;', ' client* -> info ; warning '])
      expect(() => checkLogRules(ok), ok).not.toThrow();
    for (const bad of ['-> debug', 'p2p ->', 'a -> b -> debug', 'p2p -> loud', 'verbose'])
      expect(configError(() => checkLogRules(bad)).key, bad).toBe('log.rules');
    expect(() => logSettings({ rules: 'p2p -> loud' }, undefined, true)).not.toThrow();
    expect(configError(() => logSettings({ rules: 'p2p -> loud' }, undefined, false)).key).toBe('log.rules');
  });
});

describe('createLogger: the output run-command passes it', () => {
  it('appends JSON lines to a file output, creating its directory', () => {
    const file = join(dir, 'sub', 'node.log');
    const log = createLogger('info', { kind: 'file', path: file });
    log.info({ answer: 42 }, 'hello');
    log.debug('below the level');
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'hello', answer: 42, level: 30 });
  });

  it('writes nothing for the null output', () => {
    const log = createLogger('trace', { kind: 'null' });
    expect(log.isLevelEnabled('fatal')).toBe(false);
    log.fatal('nowhere');
    expect(existsSync(join(dir, 'null'))).toBe(false);
  });
});
