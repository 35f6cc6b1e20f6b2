/**
 * JSON-schema pieces for Data_encoding's JSON forms, so each config.json section reads as its OCaml
 * encoding does. Data_encoding refuses unknown keys, hence `additionalProperties: false` everywhere;
 * its integer encodings refuse fractions and values out of range, as `type: 'integer'` with bounds.
 */

export const string = { type: 'string' } as const;
export const bool = { type: 'boolean' } as const;
/** `float`, and `Time.System.Span.encoding` (seconds as a float). */
export const float = { type: 'number' } as const;
export const strings = { type: 'array', items: string } as const;
/** Data_encoding's `json`: any JSON value. */
export const anyJson = {} as const;

export const int = (minimum: number, maximum: number) => ({ type: 'integer', minimum, maximum }) as const;
export const uint8 = int(0, 255);
export const uint16 = int(0, 65535);
export const int31 = int(-(2 ** 30), 2 ** 30 - 1);
export const int32 = int(-(2 ** 31), 2 ** 31 - 1);

/** `obj*` of `req` / `opt` / `dft` fields: only `required` ones must be present. */
export function obj(properties: Record<string, object>, required: readonly string[] = []): object {
  return { type: 'object', additionalProperties: false, properties, ...(required.length > 0 ? { required } : {}) };
}

/** `list`. */
export const list = (items: object) => ({ type: 'array', items });

/** `tup2`. */
export const pair = (a: object, b: object) => ({
  type: 'array',
  items: [a, b],
  minItems: 2,
  maxItems: 2,
  additionalItems: false,
});

/** A `string_enum` or a union of `constant` cases. */
export const oneOfStrings = (values: readonly string[]) => ({ type: 'string', enum: values });

/**
 * `union` of a string case and other cases: dispatching on the JSON type first keeps the error about
 * the case the value was meant for, instead of one complaint per case.
 */
export const stringOr = (whenString: object, otherwise: object) => ({ if: string, then: whenString, else: otherwise });

/** A `union` whose cases are all objects (or a string and an integer): any one may match. */
export const anyOf = (...cases: object[]) => ({ anyOf: cases });
