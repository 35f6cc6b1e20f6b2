import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The error of class `type` that `f` throws; anything else it throws, or no error, fails the test. */
export function thrown<E extends Error>(type: abstract new (...args: never[]) => E, f: () => unknown): E {
  try {
    f();
  } catch (e) {
    if (e instanceof type) return e;
    throw e;
  }
  throw new Error(`no ${type.name}`);
}

/** As `thrown`, for a promise or an async function. */
export async function rejected<E extends Error>(
  type: abstract new (...args: never[]) => E,
  p: Promise<unknown> | (() => unknown),
): Promise<E> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof type) return e;
    throw e;
  }
  throw new Error(`no ${type.name}`);
}

/** Writes each JSON value to a new file in `dir` and returns its path. */
export function configWriter(dir: string): (json: unknown) => string {
  let n = 0;
  return (json) => {
    const p = join(dir, `config-${n++}.json`);
    writeFileSync(p, JSON.stringify(json));
    return p;
  };
}
