/**
 * What the node's application side (the `--echo` loop, or the drain without it) did with application
 * messages. Octez counts these in `P2p_conn.read` / `write`, the API its shell calls; here that API
 * is called by the node app, not by the libraries, so the app keeps the tally and the metrics read
 * it at scrape time.
 */
export class AppMessageTally {
  private receivedCount = 0;
  private sentCount = 0;
  private readErrorCount = 0;

  /** An application message was taken from a connection. */
  received(): void {
    this.receivedCount++;
  }

  /** An application message was handed to a connection for sending. */
  sent(): void {
    this.sentCount++;
  }

  /** A read failed: the connection closed under a waiting reader (Octez's `user_message_received_error`). */
  readFailed(): void {
    this.readErrorCount++;
  }

  get totals(): { readonly received: number; readonly sent: number; readonly readErrors: number } {
    return { received: this.receivedCount, sent: this.sentCount, readErrors: this.readErrorCount };
  }
}
