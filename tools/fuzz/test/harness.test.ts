import fc from 'fast-check';
import { ConnectionError } from '@tezos-p2p/connection';
import { DecodeError, type Encoding, type Reader, bytes, obj, uint8 } from '@tezos-p2p/encoding';
import { TranscriptError } from '@tezos-p2p/transcript';
import { describe, expect, it } from 'vitest';
import {
  type FuzzTarget,
  FakeClock,
  decoderTarget,
  generateCase,
  probeAllocation,
  runTarget,
  settlesWithin,
  untypedReason,
} from '../src/index.js';

/** The harness must be able to fail: each planted bug below has to be reported. */

/** A uint30-prefixed byte string, decoded by the given strategy. */
function prefixed(read: (r: Reader) => Uint8Array): Encoding<Uint8Array> {
  return { ...bytes, read };
}
const valid = fc.uint8Array({ maxLength: 32 });

describe('the harness detects planted bugs', () => {
  it('a TypeError masked as DecodeError INVALID_VALUE by decode()', async () => {
    const crashing = prefixed((r) => {
      const b = bytes.read(r);
      // A "bug": a field looked up by a byte value on a short table.
      const table: { x: number }[] = [{ x: 1 }];
      return b.length > 0 && table[b[0]! % 2]!.x === 1 ? b : b;
    });
    const r = await runTarget(
      decoderTarget({ name: 'planted.typeError', description: '', encoding: crashing, valid, roundTrip: 'exact' }),
      { cases: 500, seed: 1 },
    );
    expect(r.findingCount).toBeGreaterThan(0);
    expect(r.findings[0]!.reason).toMatch(/^masked crash DecodeError: .*Cannot read properties of undefined/);
    // The finding replays from its seed and index alone.
    const f = r.findings[0]!;
    const again = await runTarget(
      decoderTarget({ name: 'planted.typeError', description: '', encoding: crashing, valid, roundTrip: 'exact' }),
      { cases: 1, seed: f.seed, from: f.index },
    );
    expect(again.findings[0]?.reason).toBe(f.reason);
  });

  it('an untyped RangeError thrown by a parser', async () => {
    const target: FuzzTarget<string> = {
      name: 'planted.rangeError',
      description: '',
      async: false,
      arbitrary: fc.string({ maxLength: 4 }),
      run(s) {
        if (s.length > 2) throw new RangeError(`too long: ${s}`);
      },
      show: (s) => JSON.stringify(s),
    };
    const r = await runTarget(target, { cases: 200, seed: 2 });
    expect(r.findingCount).toBeGreaterThan(0);
    expect(r.findings[0]!.reason).toMatch(/^untyped RangeError: too long/);
    expect(r.outcomes['ok']).toBeGreaterThan(0);
  });

  it('a decoder that is not canonical breaks the round trip', async () => {
    // Accepts any bool byte but writes 0xff: 0x01 decodes and re-encodes differently.
    const lax: Encoding<{ b: number }> = obj({
      b: { ...uint8, read: (r: Reader) => (uint8.read(r) === 0 ? 0 : 0xff) },
    });
    const r = await runTarget(
      decoderTarget({
        name: 'planted.roundTrip',
        description: '',
        encoding: lax,
        valid: fc.record({ b: fc.constantFrom(0, 0xff) }),
        roundTrip: 'exact',
      }),
      { cases: 500, seed: 3 },
    );
    expect(r.findings[0]?.reason).toMatch(/^oracle: decoded value re-encodes differently/);
  });

  it('a decoder that allocates the announced length before checking what is left', async () => {
    const greedy = prefixed((r) => {
      const n = r.int32();
      const out = new Uint8Array(Math.min(Math.max(0, n), 64 << 20)); // the bug: trusts the prefix (up to 64 MiB)
      out.set(r.take(n));
      return out;
    });
    const target = decoderTarget({
      name: 'planted.allocation',
      description: '',
      encoding: greedy,
      valid,
      roundTrip: 'exact',
    });
    const r = (await probeAllocation(target, { cases: 60, seed: 4 }))!;
    expect(r.findingCount).toBeGreaterThan(0);
    expect(r.findings[0]!.reason).toMatch(/^allocation: \d+ bytes for a \d+-byte input/);
    // The real `bytes` decoder checks first: the same probe finds nothing.
    const sound = decoderTarget({ name: 'sound.bytes', description: '', encoding: bytes, valid, roundTrip: 'exact' });
    expect((await probeAllocation(sound, { cases: 60, seed: 4 }))!.findingCount).toBe(0);
  });

  it('an asynchronous case that never settles is a hang, and the run goes on', async () => {
    const target: FuzzTarget<number> = {
      name: 'planted.hang',
      description: '',
      async: true,
      arbitrary: fc.nat(3),
      run: (n) => (n === 0 ? new Promise<void>(() => undefined) : Promise.resolve()),
      show: String,
    };
    const r = await runTarget(target, { cases: 20, seed: 5, caseTimeoutMs: 20 });
    expect(r.findingCount).toBeGreaterThan(0);
    expect(r.findings[0]!.reason).toMatch(/^hang: case still pending/);
    expect(r.outcomes['ok']).toBeGreaterThan(0);
  });

  it('a crash wrapped by a typed error is followed through its cause', () => {
    expect(
      untypedReason(new ConnectionError('SOCKET_ERROR', 'x', { cause: new TypeError('y is not a function') })),
    ).toMatch(/caused by untyped TypeError/);
    expect(
      untypedReason(new DecodeError('INVALID_VALUE', 0, "Cannot read properties of undefined (reading 'x')")),
    ).toMatch(/^masked crash/);
    // Expected causes: a socket's own error, protobufjs's RangeError for truncated input.
    expect(untypedReason(new ConnectionError('SOCKET_ERROR', 'x', { cause: new Error('ECONNRESET') }))).toBeUndefined();
    expect(
      untypedReason(
        new TranscriptError('TRANSCRIPT_INVALID', 'x', { cause: new RangeError('index out of range: 3 + 10 > 4') }),
      ),
    ).toBeUndefined();
    expect(untypedReason(new DecodeError('NOT_ENOUGH_DATA', 0, 'need 4 byte(s)'))).toBeUndefined();
    expect(untypedReason('a string')).toMatch(/^non-Error thrown/);
  });
});

describe('harness pieces', () => {
  it('a case is rebuilt from its seed and index alone', () => {
    const arb = fc.record({ a: fc.nat(), b: fc.uint8Array({ maxLength: 8 }) });
    expect(generateCase(arb, 9, 1234)).toEqual(generateCase(arb, 9, 1234));
    expect(generateCase(arb, 9, 1234)).not.toEqual(generateCase(arb, 9, 1235));
  });

  it('the fake clock holds timers until advanced, and counts the ones left armed', async () => {
    const clock = new FakeClock();
    const uninstall = clock.install();
    let fired = 0;
    try {
      const waiting = new Promise<void>((r) => setTimeout(r, 5000));
      const left = setTimeout(() => fired++, 10_000);
      expect(await settlesWithin(waiting, 10)).toBe(false);
      clock.advance(5000);
      expect(await settlesWithin(waiting, 10)).toBe(true);
      expect(clock.pending).toBe(1);
      clearTimeout(left);
      expect(clock.pending).toBe(0);
    } finally {
      uninstall();
    }
    expect(fired).toBe(0);
  });
});
