/**
 * Port of Octez's `src/lib_p2p/tezt/test_p2p_node.ml`, which checks Octez's test framework
 * (`Node.detach_nodes`). Its port is octez-nodes.ts, used by the ports of test_p2p_pool.ml: a node
 * failing must fail the whole run.
 */
import { describe, expect, it } from 'vitest';
import { detachNodes } from './octez-nodes.js';

class SomeError extends Error {
  override readonly name = 'SomeError';
}

describe('src/lib_p2p/tezt/test_p2p_node.ml', () => {
  it('tezos-p2p: p2p-node (propagation-tzresult): a randomly chosen node failing makes detachNodes fail, with that error', async () => {
    const points = 4;
    const x = Math.floor(Math.random() * points);
    const ran: number[] = [];
    const r = await detachNodes(points, (i) => async (d) => {
      ran.push(i);
      // Every other node waits at a barrier the failed one never reaches: the failure must free it.
      if (i === x) throw new SomeError('This error is used to simulate a failing test.');
      await d.sync();
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Octez: `Invalid_test_result` ("The result of the test is invalid.") when it succeeds.
    expect(r, 'The result of the test is invalid.').toBeInstanceOf(SomeError);
    expect(ran.sort()).toEqual([0, 1, 2, 3]);
  });

  it('tezos-p2p: p2p-node harness: with no node failing, detachNodes succeeds', async () => {
    await expect(detachNodes(4, () => (d) => d.sync())).resolves.toBeUndefined();
  });
});
