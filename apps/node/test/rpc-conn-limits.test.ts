import { EventEmitter } from 'node:events';
import type { Server, Socket } from 'node:net';
import { DEFAULT_LIMITS } from '@tezos-p2p/workers';
import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { RefusalBurst, burstLowWater } from '../src/rpc/cap-burst.js';
import { clientKey } from '../src/rpc/client-key.js';
import { connectionCaps } from '../src/rpc/connection-caps.js';
import { ConnectionGate } from '../src/rpc/connection-gate.js';
import {
  P2P_DESCRIPTOR_MARGIN,
  p2pDescriptorNeeds,
  parseOpenFilesLimit,
  rpcDescriptorBudget,
} from '../src/rpc/fd-budget.js';
import { MAX_BODY_DEPTH, nestsDeeperThan } from '../src/rpc/json-depth.js';
import { DEFAULT_RPC_LIMITS, RpcLimitsError, resolveRpcLimits, timeoutCheckIntervalMs } from '../src/rpc/rpc-limits.js';

// The RPC server's limits as pure functions: the descriptor budget from /proc/self/limits text, the
// caps it yields, refusal bursts on a fake clock, the gate on fake sockets, the body depth scan.

const LIMITS_TEXT = `Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max stack size            8388608              unlimited            bytes     
Max processes             96362                96362                processes 
Max open files            1024                 524288               files     
Max locked memory         8388608              8388608              bytes     
`;

describe('descriptor budget', () => {
  it('reads the soft "Max open files" limit from /proc/self/limits text', () => {
    expect(parseOpenFilesLimit(LIMITS_TEXT)).toBe(1024);
    expect(
      parseOpenFilesLimit(LIMITS_TEXT.replace('1024                 524288', 'unlimited            unlimited')),
    ).toBe(Infinity);
    expect(parseOpenFilesLimit(LIMITS_TEXT.replace(/^Max open files.*$/m, ''))).toBeUndefined();
    expect(parseOpenFilesLimit('Max open files            lots')).toBeUndefined();
    expect(parseOpenFilesLimit('')).toBeUndefined();
  });

  it('keeps the P2P connections, handshakes, backlog and a margin for the P2P layer', () => {
    expect(p2pDescriptorNeeds(DEFAULT_LIMITS)).toBe(100 + 20 + 20 + P2P_DESCRIPTOR_MARGIN);
    expect(p2pDescriptorNeeds({ maxConnections: 8, maxIncomingConnections: 4, backlog: 2 })).toBe(
      14 + P2P_DESCRIPTOR_MARGIN,
    );
  });

  it('gives the RPC what is left after the reserve and the descriptors open at start, at least one', () => {
    expect(rpcDescriptorBudget({ limit: 1024, inUse: 30 }, 204)).toBe(790);
    expect(rpcDescriptorBudget({ limit: 256, inUse: 60 }, 204)).toBe(1);
    expect(rpcDescriptorBudget({ limit: Infinity, inUse: 60 }, 204)).toBe(Infinity);
  });

  it('caps RPC connections at the configured cap or the budget, whichever is lower; static caps without /proc', () => {
    const base = {
      limits: DEFAULT_RPC_LIMITS,
      p2pLimits: DEFAULT_LIMITS,
      descriptorLimit: undefined,
      p2pDescriptors: undefined,
    };
    const roomy = connectionCaps({ ...base, state: { limit: 20_000, inUse: 40 } });
    expect([roomy.total, roomy.perAddress]).toEqual([100, 32]);
    expect(roomy.descriptors).toMatchObject({ limit: 20_000, inUse: 40, p2pNeeds: 204, budget: 20_000 - 204 - 40 });
    const tight = connectionCaps({ ...base, state: { limit: 264, inUse: 40 } });
    expect([tight.total, tight.perAddress]).toEqual([20, 20]);
    // An explicit limit replaces the measured one; an explicit reserve replaces the computed one.
    expect(
      connectionCaps({ ...base, descriptorLimit: 300, p2pDescriptors: 250, state: { limit: 20_000, inUse: 40 } }).total,
    ).toBe(10);
    expect(connectionCaps({ ...base, state: null })).toEqual({ total: 100, perAddress: 32, descriptors: undefined });
    expect(connectionCaps({ ...base, descriptorLimit: null, state: { limit: 10, inUse: 40 } }).total).toBe(100);
    expect(() => connectionCaps({ ...base, descriptorLimit: -1 })).toThrow(RpcLimitsError);
  });
});

describe('RPC limits', () => {
  it('has documented defaults and refuses values Node would misread', () => {
    expect(resolveRpcLimits()).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      idleTimeoutMs: 30_000,
      maxConnections: 100,
      maxConnectionsPerAddress: 32,
    });
    expect(resolveRpcLimits({ requestTimeoutMs: 2_000, headersTimeoutMs: 1_000 })).toMatchObject({
      requestTimeoutMs: 2_000,
      headersTimeoutMs: 1_000,
      keepAliveTimeoutMs: 5_000,
    });
    for (const bad of [{ requestTimeoutMs: 0 }, { maxConnections: 1.5 }, { headersTimeoutMs: 40_000 }]) {
      expect(() => resolveRpcLimits(bad)).toThrow(
        expect.objectContaining({ name: 'RpcLimitsError', code: 'INVALID_RPC_LIMITS' }),
      );
    }
  });

  it('checks for expired requests every second, or four times per shorter timeout', () => {
    expect(timeoutCheckIntervalMs(DEFAULT_RPC_LIMITS)).toBe(1_000);
    expect(timeoutCheckIntervalMs({ headersTimeoutMs: 400, requestTimeoutMs: 1_500 })).toBe(100);
    expect(timeoutCheckIntervalMs({ headersTimeoutMs: 1, requestTimeoutMs: 1 })).toBe(1);
  });
});

describe('refusal bursts', () => {
  function recorder(cap: number) {
    let t = 0;
    const lines: string[] = [];
    const burst = new RefusalBurst(
      cap,
      (key, open) => lines.push(`start ${key} ${open} @${t}`),
      (s) => lines.push(`end ${s.refused} ${s.saturations} ${s.durationMs}`),
      () => t,
    );
    return { burst, lines, at: (ms: number) => (t = ms) };
  }

  it('logs a burst once at its first refusal and once when the count falls a quarter under the cap', () => {
    const { burst, lines, at } = recorder(100);
    expect(burstLowWater(100)).toBe(75);
    at(10);
    for (let i = 0; i < 500; i++) burst.refuse('*', 100);
    // Hovering at the cap: one socket closes, another is refused, all in the same burst.
    at(20);
    burst.release('*', 99);
    burst.refuse('*', 100);
    burst.release('*', 75);
    expect(lines).toEqual(['start * 100 @10']);
    at(1_510);
    burst.release('*', 74);
    expect(lines).toEqual(['start * 100 @10', 'end 501 1 1500']);
    // Releases after the end say nothing; the next refusal opens a new burst with fresh counts.
    burst.release('*', 10);
    at(2_000);
    burst.refuse('*', 100);
    burst.release('*', 0);
    expect(lines.slice(2)).toEqual(['start * 100 @2000', 'end 1 1 0']);
  });

  it('ends a per-address burst once every address refused in it is back under its low-water mark', () => {
    const { burst, lines } = recorder(4);
    burst.refuse('a', 4);
    burst.refuse('b', 4);
    burst.refuse('a', 4);
    burst.release('a', 2);
    burst.release('c', 0);
    expect(lines).toEqual(['start a 4 @0']);
    burst.release('b', 3);
    expect(lines).toEqual(['start a 4 @0']);
    burst.release('b', 2);
    expect(lines).toEqual(['start a 4 @0', 'end 3 2 0']);
  });
});

/** A socket as the gate sees it: an address, a close event, a reset. */
class FakeSocket extends EventEmitter {
  destroyed = false;
  constructor(readonly remoteAddress: string) {
    super();
  }
  resetAndDestroy(): this {
    this.destroyed = true;
    return this;
  }
  close(): void {
    this.destroyed = true;
    this.emit('close', false);
  }
}

function fakeLog(lines: string[]): FastifyBaseLogger {
  const at = (level: string) => (_fields: unknown, msg: string) => void lines.push(`${level}: ${msg}`);
  return { warn: at('warn'), info: at('info'), error: at('error'), debug: at('debug') } as unknown as FastifyBaseLogger;
}

describe('connection gate', () => {
  it('resets sockets over the total or per-address cap at once and logs each burst once', () => {
    const lines: string[] = [];
    const gate = new ConnectionGate(6, 2, fakeLog(lines), () => 0);
    const server = new EventEmitter() as unknown as Server;
    gate.attach(server);
    const connect = (ip: string) => {
      const s = new FakeSocket(ip);
      server.emit('connection', s as unknown as Socket);
      return s;
    };
    const a = [connect('10.0.0.1'), connect('::ffff:10.0.0.1'), connect('10.0.0.1'), connect('10.0.0.1')];
    expect(a.map((s) => s.destroyed)).toEqual([false, false, true, true]);
    expect(lines).toEqual([
      'warn: RPC per-address connection cap reached: 2 open from 10.0.0.1, refusing its new connections',
    ]);
    // Another address is still served; the whole /64 of an IPv6 client counts as one.
    const others = [
      connect('10.0.0.2'),
      connect('10.0.0.3'),
      connect('2001:db8::1'),
      connect('2001:db8::2'),
      connect('10.0.0.4'),
    ];
    expect(others.map((s) => s.destroyed)).toEqual([false, false, false, false, true]);
    expect(gate.stats()).toEqual({ open: 6, cap: 6, perAddressCap: 2, refused: 3 });
    expect(lines[1]).toBe(
      'warn: RPC connection cap reached: 6 open, refusing new connections until fewer than 5 are open',
    );
    connect('10.0.0.5');
    expect(lines).toHaveLength(2);
    // Back under the low-water marks (1 of 2 per address, 4 of 6 in all): each burst's total, once.
    a[0]!.close();
    expect(lines.slice(2)).toEqual([
      'info: RPC per-address connection cap burst over: 2 connections refused (1 address saturations) in 0 s',
    ]);
    others[0]!.close();
    expect(lines.slice(3)).toEqual(['info: RPC connection cap burst over: 2 connections refused in 0 s']);
    expect(gate.stats()).toMatchObject({ open: 4, refused: 4 });
    expect(connect('10.0.0.1').destroyed).toBe(false);
  });
});

describe('client keys', () => {
  it('counts IPv4 (mapped or not) per address and IPv6 per /64', () => {
    expect(clientKey('127.0.0.1')).toBe('127.0.0.1');
    expect(clientKey('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(clientKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80::/64');
    expect(clientKey(undefined)).toBe('unknown');
  });
});

describe('body depth', () => {
  it('counts array and object nesting outside strings, in one pass', () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(nestsDeeperThan(deep(MAX_BODY_DEPTH), MAX_BODY_DEPTH)).toBe(false);
    expect(nestsDeeperThan(deep(MAX_BODY_DEPTH + 1), MAX_BODY_DEPTH)).toBe(true);
    expect(nestsDeeperThan(`{"a":"${'['.repeat(100)}"}`, 2)).toBe(false);
    expect(nestsDeeperThan(`{"a":"\\"${'['.repeat(100)}"}`, 2)).toBe(false);
    expect(nestsDeeperThan(`{"a":[{"b":[1]}],"c":{}}`, 4)).toBe(false);
    expect(nestsDeeperThan(`{"a":[{"b":[1]}],"c":{}}`, 3)).toBe(true);
    expect(nestsDeeperThan('['.repeat(1_000_000), MAX_BODY_DEPTH)).toBe(true);
  });
});
