import { CodedError } from '@tezos-p2p/encoding';
// ajv is CommonJS whose default export is the module itself under Node's loader but its `default` under
// bundlers; the named `Ajv` export is the class under every loader, so no interop is needed.
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });

/** A JSON document that does not have the expected shape; `problems` name each offending key. */
export class JsonShapeError extends CodedError<'INVALID_JSON_SHAPE'> {
  override readonly name = 'JsonShapeError';
  readonly code = 'INVALID_JSON_SHAPE';
  readonly problems: string[];

  constructor(what: string, problems: string[]) {
    super(`${what}: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

function describeError(e: ErrorObject): string {
  const where = e.instancePath === '' ? '<root>' : e.instancePath.slice(1).replace(/\//g, '.');
  if (e.keyword === 'additionalProperties')
    return `${where}: unexpected key '${String((e.params as { additionalProperty: string }).additionalProperty)}'`;
  if (e.keyword === 'required')
    return `${where}: missing key '${String((e.params as { missingProperty: string }).missingProperty)}'`;
  return `${where}: ${e.message ?? e.keyword}`;
}

export interface JsonValidator<T> {
  readonly schema: object;
  /** Throws `JsonShapeError` listing every problem. */
  check(value: unknown, what: string): T;
  is(value: unknown): value is T;
}

/**
 * `values`, run once the shape holds, lists what a schema cannot say (a checksum, a date in range):
 * a document passing `check` can then be used without another parse failing.
 */
export function jsonValidator<T>(schema: object, values?: (value: T) => string[]): JsonValidator<T> {
  const validate: ValidateFunction = ajv.compile(schema);
  const problems = (value: unknown): string[] =>
    !validate(value) ? (validate.errors ?? []).map(describeError) : (values?.(value as T) ?? []);
  return {
    schema,
    check(value, what) {
      const found = problems(value);
      if (found.length > 0) throw new JsonShapeError(what, found);
      return value as T;
    },
    is: (value): value is T => problems(value).length === 0,
  };
}
