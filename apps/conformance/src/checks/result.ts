/** The checks a transcript can support; which ones run depends on what the transcript knows. */
export const CHECKS = [
  'live',
  'connection-messages',
  'keys',
  'handshake',
  'decrypt',
  'messages',
  'resend',
  'values',
] as const;
export type CheckName = (typeof CHECKS)[number];

export const CHECK_DESCRIPTIONS: Record<CheckName, string> = {
  live: 'against a running node (--target): what the target did in this case',
  'connection-messages':
    'every connection message decodes and re-encodes byte for byte; the endpoints’ keys and peer ids agree',
  keys: 'the nonces derive from the two connection messages; the channel key from the local secret key',
  handshake:
    'our authenticate, given the recorded identity and message nonce, writes the recorded connection message, Metadata and Ack',
  decrypt: 'every chunk opens at its recorded nonce (initial + index) to the recorded plaintext',
  messages: 'Metadata, Ack and every P2P and shell message decode and re-encode byte for byte; recorded kinds agree',
  resend: 'our connection, given the recorded messages and keys, writes the recorded sent chunks byte for byte',
  values: 'standalone values (message bodies, Nack, network version) decode and re-encode byte for byte',
};

export type CheckResult =
  | { readonly check: CheckName; readonly status: 'pass'; readonly count: number; readonly detail?: string }
  | { readonly check: CheckName; readonly status: 'skip'; readonly detail: string }
  /** `offset`: first differing byte in `where`, when the failure is a byte comparison. */
  | {
      readonly check: CheckName;
      readonly status: 'fail';
      readonly detail: string;
      readonly where?: string;
      readonly offset?: number;
    };

export interface TranscriptReport {
  readonly name: string;
  readonly file: string;
  readonly origin: string;
  readonly description?: string;
  readonly results: readonly CheckResult[];
}

export const pass = (check: CheckName, count: number, detail?: string): CheckResult => ({
  check,
  status: 'pass',
  count,
  ...(detail !== undefined ? { detail } : {}),
});
export const skip = (check: CheckName, detail: string): CheckResult => ({ check, status: 'skip', detail });

/** A failed check, thrown from deep inside a check and turned into its result. */
export class CheckFailure extends Error {
  constructor(
    message: string,
    readonly where?: string,
    readonly offset?: number,
  ) {
    super(message);
  }
}

export function failureResult(check: CheckName, e: unknown): CheckResult {
  if (e instanceof CheckFailure) {
    return {
      check,
      status: 'fail',
      detail: e.message,
      ...(e.where !== undefined ? { where: e.where } : {}),
      ...(e.offset !== undefined ? { offset: e.offset } : {}),
    };
  }
  const err = e as { code?: unknown; message?: unknown };
  return {
    check,
    status: 'fail',
    detail: `${typeof err.code === 'string' ? `${err.code}: ` : ''}${String(err.message ?? e)}`,
  };
}
