import { fromHex, toHex } from '@tezos-p2p/encoding';
import { readFixtureJson } from '@tezos-p2p/fixtures';
import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  checkProofOfWork,
  generateNonces,
  incrementNonce,
  makePowTarget,
  peerIdOf,
  proofOfWorkLevel,
} from '../src/index.js';
import { backends } from './backends.js';

interface BoxVectors {
  pk: string;
  sk: string;
  expected_precomputed: string;
  nonce: string;
  plaintext: string;
  expected_ciphertext_tag_first: string;
}
interface NonceVectors {
  generate_nonces: {
    sent_msg: string;
    recv_msg: string;
    incoming: boolean;
    expected_local: string;
    expected_remote: string;
  }[];
  increment: { in: string; out: string }[];
}
interface PowVectors {
  z_of_bits_le: { hex: string; dec: string }[];
  check: { pk: string; stamp: string; target: number; expected: boolean }[];
}

const box = readFixtureJson<BoxVectors>('tezedge/crypto_vectors/crypto_box_vectors.json');
const nonces = readFixtureJson<NonceVectors>('tezedge/crypto_vectors/nonce_vectors.json');
const pow = readFixtureJson<PowVectors>('tezedge/crypto_vectors/pow_vectors.json');

function seal(b: (typeof backends)[number][1], key: Uint8Array, nonce: Uint8Array, plain: Uint8Array): Uint8Array {
  const out = new Uint8Array(plain.length + 16);
  b.sealInto(key, nonce, plain, out, 0);
  return out;
}

describe.each(backends)('%s backend', (_name, b) => {
  it('crypto_box vectors: precompute, box_afternm (tag first), open', () => {
    const k = b.precompute(fromHex(box.sk), fromHex(box.pk));
    expect(toHex(k)).toBe(box.expected_precomputed);
    const boxed = seal(b, k, fromHex(box.nonce), fromHex(box.plaintext));
    expect(toHex(boxed)).toBe(box.expected_ciphertext_tag_first);
    expect(toHex(b.open(k, fromHex(box.nonce), boxed)!)).toBe(box.plaintext);
    boxed[5]! ^= 1;
    expect(b.open(k, fromHex(box.nonce), boxed)).toBeUndefined();
  });

  it.each(nonces.generate_nonces)('generate_nonces with incoming=$incoming', (v) => {
    const n = generateNonces(b, {
      incoming: v.incoming,
      sentMessage: fromHex(v.sent_msg),
      receivedMessage: fromHex(v.recv_msg),
    });
    expect(toHex(n.local)).toBe(v.expected_local);
    expect(toHex(n.remote)).toBe(v.expected_remote);
  });

  it('Blake2b-256, Blake2b-128 (not truncated) and the HACL 64-byte vectors', () => {
    const hello = new TextEncoder().encode('hello world');
    expect(toHex(b.blake2b(32, [hello]))).toBe('256c83b297114d201b30179f3f0ef0cace9783622da5974326b436178aeef610');
    expect(toHex(b.blake2b(16, [hello]))).toBe('e9a804b2e527fd3601d2ffc0bb023cd6');
    const input = Uint8Array.from({ length: 96 }, (_, i) => i);
    const expected =
      '1c077e279de6548523502b6df800ffdab5e2c3e9442eb838f58c295f3b147cef9d701c41c321283f00c71affa0619310399126295b78dd4d1a74572ef9ed5135';
    expect(toHex(b.blake2b(64, [input]))).toBe(expected);
    expect(toHex(b.blake2b(64, [input.subarray(0, 10), input.subarray(10, 50), input.subarray(50)]))).toBe(expected);
  });

  it('proof of work: the dissector identity meets 24 and 26 but not 27', () => {
    const c = pow.check[0]!;
    expect(checkProofOfWork(b, fromHex(c.pk), fromHex(c.stamp), c.target)).toBe(c.expected);
    expect(checkProofOfWork(b, fromHex(c.pk), fromHex(c.stamp), 26)).toBe(true);
    expect(checkProofOfWork(b, fromHex(c.pk), fromHex(c.stamp), 27)).toBe(false);
    expect(proofOfWorkLevel(b, fromHex(c.pk), fromHex(c.stamp))).toBe(26);
  });

  it('derived mainnet handshake (vectors.md §5): peer ids, channel key, nonces and every chunk', () => {
    const A = {
      sk: fromHex('ac7acf3afed7637be10f8fc76a2eb6b3359c78adb1d813b41cbab3fae954f4b1'),
      pk: fromHex('94498d9416140fbc458495333daac1b4c87e419f5726717a54f9b6c67476ae1c'),
    };
    const B = {
      sk: fromHex('0271fac86d020aebe6a1c9768381e7245e48e77524cca2a1652d0a621fac289f'),
      pk: fromHex('17f7d11892274a7230d969aa1335d25e637f43087b76d0e24a1a8b7d03168f5c'),
    };
    expect(peerIdOf(b, A.pk)).toBe('idrdoT9g6YwELhUQyshCcHwAzBS9zA');
    expect(peerIdOf(b, B.pk)).toBe('idsfYM6UbG2nhNS1dqhsJEchaDhmd9');
    const k = b.precompute(A.sk, B.pk);
    expect(toHex(k)).toBe('834a06fd0af4be183b26becb354292dee141329f885e386996fc2576a0e36cff');
    expect(toHex(b.precompute(B.sk, A.pk))).toBe(toHex(k));
    const aMsg = fromHex(
      '0067260494498d9416140fbc458495333daac1b4c87e419f5726717a54f9b6c67476ae1cbbc2300149249e1ccc84a54362236c3cbbc2cc2ffbd3b6ea000102030405060708090a0b0c0d0e0f10111213141516170000000d54455a4f535f4d41494e4e455400020001',
    );
    const bMsg = fromHex(
      '0067260417f7d11892274a7230d969aa1335d25e637f43087b76d0e24a1a8b7d03168f5cb6a4a80d765047918b037c85958c41096326a4b52ff0377e808182838485868788898a8b8c8d8e8f90919293949596970000000d54455a4f535f4d41494e4e455400020001',
    );
    const a = generateNonces(b, { incoming: false, sentMessage: aMsg, receivedMessage: bMsg });
    const bn = generateNonces(b, { incoming: true, sentMessage: bMsg, receivedMessage: aMsg });
    expect(toHex(a.local)).toBe('64596bfcb853c6fc92db5d41b97d523c383a57f4c5f3797f');
    expect(toHex(a.remote)).toBe('f436913e6caf4eff22fe06700cc51ee9d793af4b793803d0');
    expect(bn.local).toEqual(a.remote);
    expect(bn.remote).toEqual(a.local);
    const chunk = (nonce: Uint8Array, plainHex: string) => {
      const p = fromHex(plainHex);
      const out = new Uint8Array(2 + 16 + p.length);
      new DataView(out.buffer).setUint16(0, 16 + p.length);
      b.sealInto(k, nonce, p, out, 2);
      return toHex(out);
    };
    expect(chunk(a.local, '0000')).toBe('0012cd075f5fd9fe1d4ca986655fb86b2f40f88f');
    expect(chunk(bn.local, '0000')).toBe('00123c25d43bf6e69a3d9fe5a67dc52f50486b9d');
    expect(chunk(incrementNonce(a.local), '00')).toBe('0011e09da5d14d7d858540766a29d631fbf562');
    expect(chunk(incrementNonce(bn.local), '00')).toBe('00118ac429b372d637aa5f0def5d39d930c79e');
    expect(chunk(incrementNonce(a.local, 2), '000000020002')).toBe('00167a41690504cbe1a1e154b5f8493a5689b85d8c8c9f7c');
    expect(chunk(incrementNonce(bn.local), '01000100000000')).toBe(
      '00177f6c64ae5fc5e8b1ca6aa7b92b2eb8269fb00288c4520a',
    );
  });

  it('refuses a low-order public key (the all-zero shared point) as HACL does', () => {
    const sk = fromHex('ac7acf3afed7637be10f8fc76a2eb6b3359c78adb1d813b41cbab3fae954f4b1');
    let err: unknown;
    try {
      b.precompute(sk, new Uint8Array(32));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CryptoError);
    expect((err as CryptoError).code).toBe('LOW_ORDER_PUBLIC_KEY');
  });

  it('constant-time equality', () => {
    expect(b.equal(fromHex('0102'), fromHex('0102'))).toBe(true);
    expect(b.equal(fromHex('0102'), fromHex('0103'))).toBe(false);
    expect(b.equal(fromHex('0102'), fromHex('010203'))).toBe(false);
  });
});

describe('nonce increment (big-endian +1, wrapping)', () => {
  it.each(nonces.increment)('$in + 1', (v) => expect(toHex(incrementNonce(fromHex(v.in)))).toBe(v.out));

  it('carries across bytes and supports larger steps', () => {
    expect(toHex(incrementNonce(fromHex('0000000000000000000000000000000000000000000000ff')))).toBe(
      '000000000000000000000000000000000000000000000100',
    );
    expect(toHex(incrementNonce(fromHex('00000000000000000000000000000000000000000000ffff'), 2))).toBe(
      '000000000000000000000000000000000000000000010001',
    );
    expect(() => incrementNonce(new Uint8Array(23))).toThrow(CryptoError);
  });
});

describe('make_pow_target (vectors.md §4)', () => {
  const table: [number, string][] = [
    [0, 'ff'.repeat(32)],
    [1, '7f' + 'ff'.repeat(31)],
    [2, '3f' + 'ff'.repeat(31)],
    [24, '000000' + 'ff'.repeat(29)],
    [26, '0000003f' + 'ff'.repeat(28)],
    [26.5, '0000002d413cccfe779a' + 'ff'.repeat(22)],
    [100, '0000000000000000000000000f' + 'ff'.repeat(19)],
    [256, '00'.repeat(32)],
  ];
  it.each(table)('f = %s', (f, hex) => expect(makePowTarget(f).toString(16).padStart(64, '0')).toBe(hex));

  // A Python mirror of crypto_box.ml with C's libm pow (what OCaml's ( ** ) calls): fractional
  // difficulties depend on the double rounding of `54. -. frac` and on a correctly rounded pow.
  const libm: [number, string][] = [
    [0.1, 'eedb4008bd5853' + 'ff'.repeat(25)],
    [3.7, '13b2c47bff831e7f' + 'ff'.repeat(24)],
    [24.25, '000000d744fccad69d6b' + 'ff'.repeat(22)],
    [100.9, '0000000000000000000000000892fdf7128328bf' + 'ff'.repeat(12)],
    [201.5, '00'.repeat(25) + '5a827999fcef35'],
    [210.33, '00'.repeat(26) + '32ea11db2023'],
    [255.999, '00'.repeat(31) + '01'],
  ];
  it.each(libm)('fractional f = %s matches libm pow', (f, hex) =>
    expect(makePowTarget(f).toString(16).padStart(64, '0')).toBe(hex),
  );

  it('Z.of_bits reads hashes little-endian (tezedge check_binary_format)', () => {
    for (const v of pow.z_of_bits_le) {
      const bytes = fromHex(v.hex);
      let n = 0n;
      for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
      expect(n.toString()).toBe(v.dec);
    }
  });

  it('rejects difficulties outside [0, 256]', () => {
    expect(() => makePowTarget(-1)).toThrow(/INVALID_DIFFICULTY|\[0, 256\]/);
    expect(() => makePowTarget(256.5)).toThrow(CryptoError);
    expect(() => makePowTarget(NaN)).toThrow(CryptoError);
  });
});
