/** What `JSON.stringify` prints for a `CodedError`: `name`, `code`, its own fields, then `message`. */
export type CodedErrorJson<C extends string = string> = { readonly [field: string]: unknown } & {
  readonly name: string;
  readonly code: C;
  readonly message: string;
};

/**
 * The base of every coded error class of the libraries and apps (`DecodeError`, `ConnectionError`,
 * `P2pError`, `ConfigError` …): a subclass names itself (`name`), carries a stable machine-readable
 * `code` from its own union of codes, and may add fields. A `cause` is kept only when one is given
 * (no own `cause: undefined`), and `JSON.stringify` prints `name`, `code`, the fields and `message`
 * (which `Error` alone leaves out); the `cause` and the stack are never printed.
 */
export abstract class CodedError<C extends string = string> extends Error {
  abstract override readonly name: string;
  abstract readonly code: C;

  constructor(message?: string, options?: { readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }

  toJSON(): CodedErrorJson<C> {
    const fields: { [field: string]: unknown } = Object.fromEntries(
      Object.entries(this).filter(([k]) => k !== 'name' && k !== 'code'),
    );
    return { name: this.name, code: this.code, ...fields, message: this.message };
  }
}

/**
 * The coded error of a library whose failures need nothing beyond a code from its union, a message
 * and a cause (`PoolError`, `AclError`, `CryptoError` …): the subclass only names itself.
 */
export abstract class CodedErrorOf<C extends string> extends CodedError<C> {
  constructor(
    readonly code: C,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Builds an error without capturing a stack: for the outcomes a busy node meets by the thousand (a peer
 * closing, a refusal, a Nack, a cancelled handshake), where a capture costs several µs for frames that
 * are always the same handler's and that callers never read (they act on the code). A wrapped error
 * keeps its own stack in its `cause`.
 */
export function withoutStack<E extends Error>(make: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
