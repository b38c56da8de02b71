package io.tandem.engine.peer;

import io.tandem.engine.core.ConnectionState;
import io.tandem.engine.wire.HandshakeConfig;
import io.tandem.engine.wire.WireFrame;
import io.tandem.engine.wire.WireMessage;
import io.tandem.engine.wire.WireProtocol;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One node's side of a resource's connections: one authenticated TCP connection to every peer,
 * kept up with pings and redials (see the package documentation for who dials, the timings and
 * the threads).
 *
 * <p>Every established connection gets an id, unique for the life of this instance and never
 * reused, that names it in the {@link Listener} calls and in {@link #send(String, long,
 * WireMessage)}: a message meant for a connection that has ended is dropped rather than sent on
 * its successor. Messages are queued per connection and written by that connection's writer
 * thread, so sending never blocks. A peer can be held ({@link #hold}): its connection is closed
 * and it is neither dialled nor accepted until {@link #release}.
 */
public final class PeerLinks implements AutoCloseable {

  /**
   * Hears about the links. Called from the link threads: it must not block for long, or that link
   * stalls (and, for {@link #received}, stops reading). The calls about one connection come from
   * that connection's thread, in order: {@link #connected}, its {@link #received} frames, then
   * {@link #disconnected}; and a peer's connection is reported ended before the peer's next one is
   * reported established. No lock of the links is held during a call, so a listener may call back
   * into them.
   */
  public interface Listener {

    /**
     * The connection {@code connectionId} to {@code peer} is established (handshake done) in
     * {@code version}.
     */
    void connected(String peer, long connectionId, int version, long features);

    /** The established connection {@code connectionId} to {@code peer} ended; only after its {@link #connected}. */
    void disconnected(String peer, long connectionId, String reason);

    /** A frame other than PING or PONG arrived on the established connection {@code connectionId}. */
    default void received(String peer, long connectionId, WireFrame frame) {}
  }

  /** Accepted connections that have not said who they are yet; more are closed at once. */
  public static final int MAX_UNIDENTIFIED = 8;
  /** The feature bits this build offers. */
  public static final long FEATURES = 0L;

  private static final System.Logger LOG = System.getLogger(PeerLinks.class.getName());
  private static final long JOIN_MILLIS = 2_000;

  private final String resource;
  private final int localNodeId;
  private final InetSocketAddress localAddress;
  private final Map<String, PeerEndpoint> peersByName = new LinkedHashMap<>();
  private final Map<Integer, PeerEndpoint> peersById = new HashMap<>();
  private final Map<Integer, HandshakeConfig> configs = new HashMap<>();
  private final Listener listener;
  private final PeerTimings timings;
  private final SecureRandom random = new SecureRandom();
  private final String threadPrefix;

  private final Object lock = new Object();
  // guarded by lock
  private final Map<String, PeerConnection> current = new HashMap<>();
  private final Map<String, ConnectionState> states = new LinkedHashMap<>();
  private final Map<String, Redial> redials = new HashMap<>();
  private final Set<PeerConnection> connections = new HashSet<>();
  private final Map<PeerConnection, Thread> threads = new HashMap<>();
  private final Map<PeerConnection, Thread> writers = new HashMap<>();
  /** Held peers and why: closed, neither dialled nor accepted, StandAlone. */
  private final Map<String, String> held = new HashMap<>();
  private long lastConnectionId;
  private int unidentified;
  private boolean started;
  private boolean closed;
  private ServerSocketChannel server;
  private InetSocketAddress boundAddress;
  private Thread acceptor;
  private ScheduledExecutorService scheduler;

  /** When the dialling side tries next, and how long it waits after the next failure. */
  private static final class Redial {
    long nextNanos;
    long delayNanos;
  }

  public PeerLinks(String resource, int localNodeId, String localAddress, byte[] secret, List<PeerEndpoint> peers,
      Listener listener) {
    this(resource, localNodeId, localAddress, secret, peers, listener, PeerTimings.DEFAULT);
  }

  public PeerLinks(String resource, int localNodeId, String localAddress, byte[] secret, List<PeerEndpoint> peers,
      Listener listener, PeerTimings timings) {
    this.resource = Objects.requireNonNull(resource, "resource");
    this.localNodeId = localNodeId;
    this.localAddress = ReplicationAddress.parse(Objects.requireNonNull(localAddress, "localAddress"));
    Objects.requireNonNull(secret, "secret");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.timings = Objects.requireNonNull(timings, "timings");
    for (PeerEndpoint peer : peers) {
      if (peersByName.put(peer.name(), peer) != null) {
        throw new IllegalArgumentException("peer " + peer.name() + " is listed twice");
      }
      if (peersById.put(peer.nodeId(), peer) != null) {
        throw new IllegalArgumentException("node id " + peer.nodeId() + " is listed twice");
      }
      // validates the resource name, both ids and the secret
      configs.put(peer.nodeId(), HandshakeConfig.of(resource, localNodeId, peer.nodeId(), FEATURES, secret));
      states.put(peer.name(), ConnectionState.StandAlone);
      if (dials(peer)) {
        Redial redial = new Redial();
        redial.delayNanos = timings.firstRedial().toNanos();
        redials.put(peer.name(), redial);
      }
    }
    this.threadPrefix = "tandem-peer-" + resource + "-" + localNodeId;
  }

  /** Binds the local replication address, starts accepting and dialling. */
  public void start() throws IOException {
    synchronized (lock) {
      if (started || closed) {
        throw new IllegalStateException("peer links start once");
      }
      ServerSocketChannel channel = ServerSocketChannel.open();
      try {
        // a restarted node binds its port again while old connections are in TIME_WAIT
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.bind(new InetSocketAddress(InetAddress.getByName(localAddress.getHostString()),
            localAddress.getPort()));
        boundAddress = (InetSocketAddress) channel.getLocalAddress();
      } catch (IOException e) {
        channel.close();
        throw e;
      }
      server = channel;
      started = true;
      states.replaceAll((name, state) -> held.containsKey(name) ? ConnectionState.StandAlone
          : ConnectionState.Connecting);
      long now = System.nanoTime();
      redials.values().forEach(redial -> redial.nextNanos = now);
      acceptor = daemon(this::acceptLoop, threadPrefix + "-accept");
      ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
          runnable -> daemon(runnable, threadPrefix + "-scheduler"));
      executor.setRemoveOnCancelPolicy(true);
      scheduler = executor;
      long tick = timings.tick().toNanos();
      scheduler.scheduleWithFixedDelay(this::tick, 0, tick, TimeUnit.NANOSECONDS);
      acceptor.start();
    }
    LOG.log(Level.INFO, () -> "resource " + resource + ": node " + localNodeId + " listening for peers on "
        + boundAddress);
  }

  /** Stops accepting, dialling and pinging, closes every connection and waits (bounded) for the threads. */
  @Override
  public void close() {
    List<PeerConnection> open;
    List<Thread> toJoin = new ArrayList<>();
    ScheduledExecutorService stopScheduler;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      open = new ArrayList<>(connections);
      toJoin.addAll(threads.values());
      toJoin.addAll(writers.values());
      if (acceptor != null) {
        toJoin.add(acceptor);
      }
      stopScheduler = scheduler;
      states.replaceAll((name, state) -> ConnectionState.StandAlone);
    }
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        LOG.log(Level.WARNING, () -> "closing the peer listener on " + boundAddress + ": " + e);
      }
    }
    if (stopScheduler != null) {
      stopScheduler.shutdownNow();
    }
    open.forEach(connection -> connection.abort("closing", false));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_MILLIS);
    try {
      if (stopScheduler != null) {
        stopScheduler.awaitTermination(JOIN_MILLIS, TimeUnit.MILLISECONDS);
      }
      for (Thread thread : toJoin) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        thread.join(Math.max(1, left));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A snapshot of every peer's connection state, in configuration order: StandAlone before
   * {@link #start()}, after {@link #close()} and while held; Connecting while there is no
   * established connection; Connected.
   */
  public Map<String, ConnectionState> states() {
    synchronized (lock) {
      return Collections.unmodifiableMap(new LinkedHashMap<>(states));
    }
  }

  /** The connection state of {@code peer}, as in {@link #states()}. */
  public ConnectionState state(String peer) {
    synchronized (lock) {
      return states.get(requirePeer(peer).name());
    }
  }

  /**
   * Closes the connection to {@code peer} (if any) and neither dials nor accepts it until
   * {@link #release}; the peer is StandAlone meanwhile. A connection from a held peer is refused
   * with the reason. Holding a held peer again does nothing.
   *
   * @param reason why, for the log and the refusal
   */
  public void hold(String peer, String reason) {
    Objects.requireNonNull(reason, "reason");
    PeerConnection toClose;
    synchronized (lock) {
      String name = requirePeer(peer).name();
      if (held.containsKey(name)) {
        return;
      }
      held.put(name, reason);
      states.put(name, ConnectionState.StandAlone);
      toClose = current.get(name);
    }
    LOG.log(Level.INFO, () -> "resource " + resource + ": holding node " + peer + " StandAlone: " + reason);
    if (toClose != null) {
      toClose.abort("held StandAlone: " + reason, false);
    }
  }

  /** Connects to a held peer again (dialling at once when this node dials it); no-op when not held. */
  public void release(String peer) {
    synchronized (lock) {
      String name = requirePeer(peer).name();
      if (held.remove(name) == null) {
        return;
      }
      if (!current.containsKey(name)) {
        states.put(name, started && !closed ? ConnectionState.Connecting : ConnectionState.StandAlone);
      }
      Redial redial = redials.get(name);
      if (redial != null) {
        redial.nextNanos = System.nanoTime();
        redial.delayNanos = timings.firstRedial().toNanos();
      }
    }
    LOG.log(Level.INFO, () -> "resource " + resource + ": connecting to node " + peer + " again");
  }

  /** The bytes of the messages queued for the established connection to {@code peer} and not yet written. */
  public long queuedBytes(String peer) {
    PeerConnection connection = establishedConnection(peer);
    return connection == null ? 0 : connection.queuedBytes();
  }

  /** The remote address of the established connection to {@code peer}. */
  public Optional<InetSocketAddress> remoteAddress(String peer) {
    PeerConnection connection = establishedConnection(peer);
    return connection == null ? Optional.empty() : Optional.ofNullable(connection.remoteAddress());
  }

  /** The address the listener is bound to. */
  public InetSocketAddress boundAddress() {
    synchronized (lock) {
      if (boundAddress == null) {
        throw new IllegalStateException("peer links are not started");
      }
      return boundAddress;
    }
  }

  /**
   * Queues one message (not a handshake message) for the established connection to {@code peer},
   * whichever it is; false when there is none. See {@link #send(String, long, WireMessage)}.
   */
  public boolean send(String peer, WireMessage message) {
    Objects.requireNonNull(message, "message");
    PeerConnection connection = establishedConnection(peer);
    return connection != null && connection.enqueue(message);
  }

  /**
   * Queues one message (not a handshake message) for the connection {@code connectionId} to
   * {@code peer}; false, and the message dropped, when that is not the peer's established
   * connection (any more). Never blocks: the message is encoded here (so buffers it refers to
   * may be reused once this returns) and written by the connection's writer thread, in the order
   * of the calls. A message queued on a connection that ends before it is written is dropped.
   */
  public boolean send(String peer, long connectionId, WireMessage message) {
    Objects.requireNonNull(message, "message");
    PeerConnection connection = establishedConnection(peer);
    return connection != null && connection.id() == connectionId && connection.enqueue(message);
  }

  private PeerConnection establishedConnection(String peer) {
    synchronized (lock) {
      PeerConnection connection = current.get(peer);
      return connection != null && connection.id() != 0 ? connection : null;
    }
  }

  private PeerEndpoint requirePeer(String peer) {
    PeerEndpoint endpoint = peersByName.get(peer);
    if (endpoint == null) {
      throw new IllegalArgumentException("'" + peer + "' is not a peer of node " + localNodeId + " in resource '"
          + resource + "'; the peers are " + peersByName.keySet());
    }
    return endpoint;
  }

  // ---- called by the connections

  int localNodeId() {
    return localNodeId;
  }

  InetSocketAddress localAddress() {
    return localAddress;
  }

  HandshakeConfig handshakeConfig(PeerEndpoint peer) {
    return configs.get(peer.nodeId());
  }

  byte[] nonce() {
    byte[] nonce = new byte[WireProtocol.NONCE_BYTES];
    random.nextBytes(nonce);
    return nonce;
  }

  /**
   * Matches an accepted connection to the peer its HELLO names; null when it may go on, else why
   * it is refused.
   */
  String claim(PeerConnection connection, int nodeId) {
    synchronized (lock) {
      if (closed) {
        return "node " + localNodeId + " is shutting down";
      }
      PeerEndpoint peer = peersById.get(nodeId);
      if (peer == null) {
        return "node id " + nodeId + " is not a peer of node " + localNodeId + " in resource '" + resource + "'";
      }
      if (dials(peer)) {
        return "node " + nodeId + " has the higher node id: node " + localNodeId + " dials it, not the other way";
      }
      if (held.containsKey(peer.name())) {
        return "node " + nodeId + " (" + peer.name() + ") is held StandAlone here: " + held.get(peer.name());
      }
      if (current.containsKey(peer.name())) {
        return "node " + nodeId + " (" + peer.name() + ") is already connected";
      }
      current.put(peer.name(), connection);
      unidentified--;
      connection.identify(peer);
      return null;
    }
  }

  /** The handshake is done: the connection gets its id, or is closed (closing, held, replaced). */
  void established(PeerConnection connection, int version, long features) {
    PeerEndpoint peer = connection.peer();
    long id;
    synchronized (lock) {
      if (closed || current.get(peer.name()) != connection || held.containsKey(peer.name())) {
        connection.abort(closed ? "closing" : "held StandAlone", false);
        return;
      }
      id = ++lastConnectionId;
      connection.establishedAs(id);
      states.put(peer.name(), ConnectionState.Connected);
      Redial redial = redials.get(peer.name());
      if (redial != null) {
        redial.delayNanos = timings.firstRedial().toNanos();
      }
      // started under the lock, so close() always sees and joins it
      Thread writer = daemon(connection::writeLoop, threadPrefix + "-write-" + peer.name() + "-" + id);
      writers.put(connection, writer);
      writer.start();
    }
    LOG.log(Level.INFO, () -> "resource " + resource + ": connected to " + connection.describe() + ", version "
        + version + ", features 0x" + Long.toHexString(features) + ", connection " + id);
    notify(() -> listener.connected(peer.name(), id, version, features));
  }

  void received(PeerConnection connection, WireFrame frame) {
    notify(() -> listener.received(connection.peer().name(), connection.id(), frame));
  }

  void ended(PeerConnection connection, String reason, boolean warn) {
    connection.stopWriter();
    PeerEndpoint peer = connection.peer();
    long id = connection.id();
    boolean wasCurrent = false;
    synchronized (lock) {
      if (peer == null) {
        unidentified--;
      } else if (current.get(peer.name()) == connection) {
        wasCurrent = true;
        states.put(peer.name(), closed || held.containsKey(peer.name()) ? ConnectionState.StandAlone
            : ConnectionState.Connecting);
        Redial redial = redials.get(peer.name());
        if (redial != null) {
          // jittered to 50..100 %, so nodes that lost each other at once do not redial in step
          long delay = redial.delayNanos;
          redial.nextNanos = System.nanoTime() + delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
          redial.delayNanos = Math.min(delay * 2, timings.maxRedial().toNanos());
        }
      }
    }
    String what = "resource " + resource + ": connection " + (connection.dialled() ? "to " : "from ")
        + connection.describe() + " ended: " + reason;
    LOG.log(warn ? Level.WARNING : id != 0 ? Level.INFO : Level.DEBUG, what);
    if (id != 0) {
      // while the connection is still the peer's current one: no next connection to the peer is
      // dialled, accepted or reported established before this one is reported ended
      notify(() -> listener.disconnected(peer.name(), id, reason));
    }
    synchronized (lock) {
      connections.remove(connection);
      threads.remove(connection);
      writers.remove(connection);
      if (wasCurrent) {
        current.remove(peer.name(), connection);
      }
    }
  }

  // ---- threads

  private void acceptLoop() {
    while (true) {
      SocketChannel channel;
      try {
        channel = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        synchronized (lock) {
          if (closed) {
            return;
          }
        }
        LOG.log(Level.WARNING, () -> "resource " + resource + ": accepting on " + boundAddress + " failed: " + e);
        // out of descriptors, typically: do not spin
        LockSupport.parkNanos(timings.tick().toNanos());
        continue;
      }
      PeerConnection connection = PeerConnection.accepted(this, channel, System.nanoTime());
      boolean admitted = false;
      synchronized (lock) {
        if (!closed && unidentified < MAX_UNIDENTIFIED) {
          unidentified++;
          // started under the lock, so close() always sees, aborts and joins it
          startConnection(connection, threadPrefix + "-from-" + connection.describe());
          admitted = true;
        }
      }
      if (!admitted) {
        LOG.log(Level.WARNING, () -> "resource " + resource + ": connection from " + connection.describe()
            + " closed: " + MAX_UNIDENTIFIED + " connections are already waiting for their HELLO");
        connection.abort("too many unidentified connections", false);
      }
    }
  }

  /** Expires handshakes and silent connections, sends pings and starts redials. */
  private void tick() {
    try {
      long now = System.nanoTime();
      long deadline = timings.handshakeDeadline().toNanos();
      long silence = timings.silenceLimit().toNanos();
      List<PeerConnection> expired = new ArrayList<>();
      List<PeerConnection> silent = new ArrayList<>();
      List<PeerConnection> live = new ArrayList<>();
      synchronized (lock) {
        if (closed) {
          return;
        }
        for (PeerConnection connection : connections) {
          if (!connection.isEstablished()) {
            if (now - connection.startedNanos() > deadline) {
              expired.add(connection);
            }
          } else if (now - connection.lastFrameNanos() > silence) {
            silent.add(connection);
          } else {
            live.add(connection);
          }
        }
        for (Map.Entry<String, Redial> entry : redials.entrySet()) {
          if (!current.containsKey(entry.getKey()) && !held.containsKey(entry.getKey())
              && now - entry.getValue().nextNanos >= 0) {
            dial(peersByName.get(entry.getKey()), now);
          }
        }
      }
      expired.forEach(c -> c.abort("no connection and handshake within " + timings.handshakeDeadline(), true));
      silent.forEach(c -> c.abort("no frame for " + timings.silenceLimit() + ", the connection is dead", true));
      live.forEach(c -> c.pingIfDue(now, timings.pingInterval().toNanos()));
    } catch (RuntimeException e) {
      // a failing tick must not end the periodic task, or pings and redials stop for good
      LOG.log(Level.ERROR, "resource " + resource + ": peer link tick failed", e);
    }
  }

  /** Starts a new outgoing connection; called under the lock. */
  private void dial(PeerEndpoint peer, long now) {
    SocketChannel channel;
    try {
      channel = SocketChannel.open();
    } catch (IOException e) {
      Redial redial = redials.get(peer.name());
      redial.nextNanos = now + redial.delayNanos;
      LOG.log(Level.WARNING, () -> "resource " + resource + ": cannot open a socket to " + peer.name() + ": " + e);
      return;
    }
    PeerConnection connection = PeerConnection.dialling(this, channel, peer, now);
    current.put(peer.name(), connection);
    startConnection(connection, threadPrefix + "-to-" + peer.name());
  }

  /** Called under the lock, so close() always sees, aborts and joins the thread. */
  private void startConnection(PeerConnection connection, String name) {
    connections.add(connection);
    Thread thread = daemon(connection, name);
    threads.put(connection, thread);
    thread.start();
  }

  private boolean dials(PeerEndpoint peer) {
    return localNodeId < peer.nodeId();
  }

  private void notify(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "resource " + resource + ": peer link listener failed", e);
    }
  }

  private static Thread daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }
}
