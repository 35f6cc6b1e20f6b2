import { describe, expect, it } from 'vitest';
import { CodedError, CodedErrorOf, DecodeError, EncodingDefinitionError, withoutStack } from '../src/index.js';

class SampleError extends CodedError<'A' | 'B'> {
  override readonly name = 'SampleError';

  constructor(
    readonly code: 'A' | 'B',
    message: string,
    readonly extra?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

describe('CodedError', () => {
  it('is an Error with its subclass name, code and message', () => {
    const e = new SampleError('A', 'went wrong', 3);
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(CodedError);
    expect(e.name).toBe('SampleError');
    expect(e.code).toBe('A');
    expect(e.message).toBe('went wrong');
    expect(String(e)).toBe('SampleError: went wrong');
  });

  it('keeps a cause only when one is given', () => {
    const cause = new Error('root');
    expect(new SampleError('B', 'x', undefined, { cause }).cause).toBe(cause);
    expect('cause' in new SampleError('B', 'x', undefined, { cause: undefined })).toBe(false);
    expect('cause' in new SampleError('B', 'x')).toBe(false);
  });

  it('prints its fields, name, code and message as JSON, never the cause', () => {
    const e = new SampleError('A', 'went wrong', 3, { cause: new Error('secret') });
    expect(JSON.parse(JSON.stringify(e))).toEqual({ name: 'SampleError', code: 'A', message: 'went wrong', extra: 3 });
    expect(JSON.parse(JSON.stringify(new DecodeError('NOT_ENOUGH_DATA', 2, 'short', ['name'])))).toEqual({
      name: 'DecodeError',
      code: 'NOT_ENOUGH_DATA',
      message: 'NOT_ENOUGH_DATA at byte 2 (name): short',
      offset: 2,
      path: ['name'],
      detail: 'short',
    });
    expect(new EncodingDefinitionError('bad').toJSON()).toEqual({
      name: 'EncodingDefinitionError',
      code: 'INVALID_ENCODING_DEFINITION',
      message: 'bad',
    });
  });

  it('prints name and code first and message last, whatever order the class defines its fields in', () => {
    expect(JSON.stringify(new SampleError('A', 'm', 3))).toBe(
      '{"name":"SampleError","code":"A","extra":3,"message":"m"}',
    );
    expect(JSON.stringify(new OfError('X', 'm'))).toBe('{"name":"OfError","code":"X","message":"m"}');
  });
});

class OfError extends CodedErrorOf<'X' | 'Y'> {
  override readonly name = 'OfError';
}

describe('CodedErrorOf', () => {
  it('takes its code, message and cause, and the subclass only names itself', () => {
    const cause = new Error('root');
    const e = new OfError('Y', 'broke', { cause });
    expect(e).toBeInstanceOf(CodedError);
    expect([e.name, e.code, e.message, e.cause]).toEqual(['OfError', 'Y', 'broke', cause]);
    expect('cause' in new OfError('X', 'no cause')).toBe(false);
  });
});

describe('withoutStack', () => {
  it('builds the error with no stack frames and restores the stack limit, also when the constructor throws', () => {
    const before = Error.stackTraceLimit;
    const e = withoutStack(() => new DecodeError('EXTRA_BYTES', 0, 'x'));
    expect(e.code).toBe('EXTRA_BYTES');
    expect(e.stack).not.toMatch(/\n\s+at /);
    expect(new DecodeError('EXTRA_BYTES', 0, 'x').stack).toMatch(/\n\s+at /);
    expect(() =>
      withoutStack(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(Error.stackTraceLimit).toBe(before);
  });
});
