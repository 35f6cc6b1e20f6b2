import { EncodingDefinitionError, decodeErrorAt, encodeErrorAt } from './errors.js';
import { DYNAMIC, type Encoding, type SizeClass, VARIABLE, fixedSize } from './encoding.js';
import { bool } from './bool.js';

/** Marks an optional object field (Data_encoding `opt`). */
export interface OptionalField<T> {
  readonly optional: Encoding<T>;
}

export function optional<T>(encoding: Encoding<T>): OptionalField<T> {
  return { optional: encoding };
}

export type FieldSpec = Encoding<any> | OptionalField<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type ObjValue<S extends Record<string, FieldSpec>> = Simplify<
  { [K in keyof S as S[K] extends OptionalField<unknown> ? never : K]: S[K] extends Encoding<infer T> ? T : never } & {
    [K in keyof S as S[K] extends OptionalField<unknown> ? K : never]?: S[K] extends OptionalField<infer T> ? T : never;
  }
>;

interface Field {
  name: string;
  enc: Encoding<unknown>;
  optional: boolean;
}

/** Combine size classes of consecutive fields (fixed + fixed = fixed; anything + variable = variable). */
export function sequenceSizeClass(parts: readonly SizeClass[]): SizeClass {
  let fixed = 0;
  let kind: 'fixed' | 'dynamic' | 'variable' = 'fixed';
  for (const p of parts) {
    if (p.kind === 'variable') kind = 'variable';
    else if (p.kind === 'dynamic' && kind === 'fixed') kind = 'dynamic';
    else if (p.kind === 'fixed') fixed += p.size;
  }
  return kind === 'fixed' ? fixedSize(fixed) : kind === 'dynamic' ? DYNAMIC : VARIABLE;
}

/** Refuse layouts Data_encoding refuses: a variable-size part is only allowed last. */
export function checkOnlyLastVariable(names: readonly string[], classes: readonly SizeClass[], what: string): void {
  classes.forEach((c, i) => {
    if (c.kind === 'variable' && i !== classes.length - 1) {
      throw new EncodingDefinitionError(`${what}: variable-size part '${names[i]}' must be last`);
    }
  });
}

/**
 * Fields in declaration order, concatenated with no names and no separators (Data_encoding `objN`).
 * An optional field is a bool presence flag then the value, or — if its encoding is variable-size —
 * nothing at all when absent (it must then be last).
 */
export function obj<S extends Record<string, FieldSpec>>(spec: S, title = 'object'): Encoding<ObjValue<S>> {
  const fields: Field[] = Object.entries(spec).map(([name, f]) =>
    'optional' in f
      ? { name, enc: f.optional as Encoding<unknown>, optional: true }
      : { name, enc: f as Encoding<unknown>, optional: false },
  );
  const classes = fields.map((f) =>
    f.optional ? (f.enc.sizeClass.kind === 'variable' ? VARIABLE : DYNAMIC) : f.enc.sizeClass,
  );
  checkOnlyLastVariable(
    fields.map((f) => f.name),
    classes,
    title,
  );
  const sizeClass = sequenceSizeClass(classes);

  return {
    sizeClass,
    title,
    sizeOf(v) {
      const o = v as Record<string, unknown>;
      let n = 0;
      for (const f of fields) {
        const x = o[f.name];
        try {
          if (f.optional) {
            if (f.enc.sizeClass.kind !== 'variable') n += 1;
            if (x !== undefined) n += f.enc.sizeOf(x);
          } else n += f.enc.sizeOf(x);
        } catch (e) {
          throw encodeErrorAt(e, f.name);
        }
      }
      return n;
    },
    write(w, v) {
      const o = v as Record<string, unknown>;
      for (const f of fields) {
        const x = o[f.name];
        try {
          if (f.optional) {
            if (f.enc.sizeClass.kind !== 'variable') bool.write(w, x !== undefined);
            if (x !== undefined) f.enc.write(w, x);
          } else f.enc.write(w, x);
        } catch (e) {
          throw encodeErrorAt(e, f.name);
        }
      }
    },
    read(r) {
      const o: Record<string, unknown> = {};
      for (const f of fields) {
        const at = r.pos;
        try {
          if (f.optional) {
            const present = f.enc.sizeClass.kind === 'variable' ? r.pos < r.end : bool.read(r);
            if (present) o[f.name] = f.enc.read(r);
          } else o[f.name] = f.enc.read(r);
        } catch (e) {
          throw decodeErrorAt(e, f.name, at);
        }
      }
      return o as ObjValue<S>;
    },
  };
}

/** Merge two objects' layouts (Data_encoding `merge_objs`): the fields of `a`, then those of `b`. */
export function mergeObjs<A extends object, B extends object>(a: Encoding<A>, b: Encoding<B>): Encoding<A & B> {
  checkOnlyLastVariable(['left', 'right'], [a.sizeClass, b.sizeClass], 'mergeObjs');
  return {
    sizeClass: sequenceSizeClass([a.sizeClass, b.sizeClass]),
    title: `${a.title} & ${b.title}`,
    sizeOf: (v) => a.sizeOf(v) + b.sizeOf(v),
    write(w, v) {
      a.write(w, v);
      b.write(w, v);
    },
    read: (r) => ({ ...a.read(r), ...b.read(r) }),
  };
}
