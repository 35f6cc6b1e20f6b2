import type { P2pEvent } from '@tezos-p2p/events';
import { type Observable, Subject, concat, defer, from, map, mergeMap } from 'rxjs';
import type { DevnetNodeView } from './devnet-table.js';

/**
 * The nodes of a devnet as they start. Node 0's RPC server is up before the others exist, so what it
 * serves about the devnet reads this list when asked, and its streams follow nodes that join later.
 */
export class DevnetMembers {
  private readonly list: DevnetNodeView[] = [];
  private readonly joined = new Subject<DevnetNodeView>();

  get nodes(): readonly DevnetNodeView[] {
    return this.list;
  }

  add(node: DevnetNodeView): void {
    this.list.push(node);
    this.joined.next(node);
  }

  /** Each node as it joins, from now on. */
  readonly joined$: Observable<DevnetNodeView> = this.joined.asObservable();

  /** Nodes there now, then each node as it joins. */
  readonly members$: Observable<DevnetNodeView> = defer(() => concat(from([...this.list]), this.joined));

  /** Every member's `events$`, merged, each event with the index of the node that published it. */
  readonly events$: Observable<{ readonly node: number; readonly event: P2pEvent }> = this.members$.pipe(
    mergeMap((n) => n.p2p.events$.pipe(map((event) => ({ node: n.index, event })))),
  );

  /** Ends the streams that follow the membership. */
  close(): void {
    this.joined.complete();
  }
}
