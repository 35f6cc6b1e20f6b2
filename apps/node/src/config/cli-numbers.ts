import { ConfigError } from './errors.js';

/** A command-line integer in [min, max], or undefined when the option is absent. */
export function int(value: string | undefined, key: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new ConfigError(key, `an integer in [${min}, ${max}]`, value);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(key, `an integer in [${min}, ${max}]`, n);
  return n;
}

/** A command-line number in [min, max], or undefined when the option is absent. */
export function num(value: string | undefined, key: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new ConfigError(key, `a number in [${min}, ${max}]`, value);
  return n;
}
