/**
 * The edge that keeps one authenticated TCP connection per peer of a resource (REPLICATION.md "The
 * wire between engines"). It owns sockets and threads; the frame codec and the handshake it runs
 * are the pure {@code io.tandem.engine.wire}.
 *
 * <h2>Who dials</h2>
 * Full mesh, exactly one connection per pair: of two peers, the one with the LOWER node id dials
 * and the higher one only accepts. Both sides know both ids from the configuration, so they agree
 * without a tie-break on the wire, and two simultaneous dials can never race into two connections.
 * Every node listens on its own replication address and dials out from that address's host (port
 * 0), so a peer sees traffic from the address it knows the node by.
 *
 * <h2>An accepted connection</h2>
 * The acceptor does not know who is calling until the first frame: it waits for the caller's
 * HELLO, matches the sender's node id to a configured peer with a lower id that is not connected,
 * and only then starts its own side of the (symmetric) handshake, handing it the HELLO it has
 * read. An unknown node, a node that should not dial, or one already connected gets a REFUSED and
 * the connection is closed. A dialler that lost its connection before this side noticed is
 * refused until this side's old connection ends (EOF at once, else the silence limit); its
 * redials carry on meanwhile.
 *
 * <h2>Time</h2>
 * <pre>
 * | what                        | default                    | on expiry
 * |-----------------------------|----------------------------|-------------------------------
 * | connect + handshake         | 5 s                        | closed, WARNING
 * | ping interval (established) | 1 s                        | PING sent, PONG answered
 * | silence                     | 5 s without any frame      | closed as dead
 * | redial (dialling side)      | 100 ms doubling to 5 s,    | next attempt; reset once a
 * |                             | jittered to 50..100 %      | connection is established
 * </pre>
 *
 * <h2>Holding a peer</h2>
 * {@link io.tandem.engine.peer.PeerLinks#hold} closes a peer's connection and keeps the peer
 * StandAlone: it is not dialled, and its connections are refused (WRONG_NODE, with the reason),
 * until {@link io.tandem.engine.peer.PeerLinks#release}. The other side keeps trying meanwhile.
 *
 * <h2>Sending</h2>
 * An established connection has an id, never reused by the same links. Messages are sent to a
 * connection by id and queued on it (unbounded; the sender bounds what it has in flight), encoded
 * at once, and written in order by the connection's writer thread; a message for a connection
 * that has ended, or still queued when it ends, is dropped. Sending never blocks, so the engine
 * may send while it holds its own lock. PINGs and PONGs bypass the queue.
 *
 * <h2>Threads</h2>
 * One reader per connection (blocking {@link java.nio.channels.SocketChannel}), which also makes
 * the {@link io.tandem.engine.peer.PeerLinks.Listener} calls; one writer per established
 * connection; one acceptor and one scheduler that ticks every
 * {@link io.tandem.engine.peer.PeerTimings#tick()} to send pings, close expired or silent
 * connections and start redials; all daemon threads, named after the resource and node. The scheduler holds that one periodic task only; connections waiting for their HELLO
 * are bounded ({@link io.tandem.engine.peer.PeerLinks#MAX_UNIDENTIFIED}).
 */
package io.tandem.engine.peer;
