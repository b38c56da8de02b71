package io.tandem.engine.nbd;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An NBD server (fixed newstyle, simple replies) for the exports of one {@link NbdExports}: one
 * accepting thread, and per client a reader thread and a reply-writer thread over a blocking
 * {@link SocketChannel} with TCP_NODELAY. See the package documentation for the protocol subset
 * and the request rules.
 */
public final class NbdServer implements AutoCloseable {

  private static final System.Logger LOGGER = System.getLogger(NbdServer.class.getName());
  /** How long {@link #close} lets clients' in-flight requests finish before cutting connections. */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);
  private static final Duration ACCEPT_FAILURE_PAUSE = Duration.ofMillis(100);

  private final NbdExports exports;
  private final NbdConnectionLimits limits;
  private final Map<NbdConnection, Thread> connections = new ConcurrentHashMap<>();
  private final Object lifecycle = new Object();
  private ServerSocketChannel listener;
  private InetSocketAddress boundAddress;
  private Thread acceptor;
  private boolean closed;

  public NbdServer(NbdExports exports) {
    this(exports, NbdConnectionLimits.DEFAULT);
  }

  public NbdServer(NbdExports exports, NbdConnectionLimits limits) {
    this.exports = Objects.requireNonNull(exports, "exports");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** Binds the address (port 0 picks a free port; see {@link #boundAddress}) and starts accepting clients. */
  public void start(InetSocketAddress address) throws IOException {
    synchronized (lifecycle) {
      if (listener != null || closed) {
        throw new IllegalStateException("an NBD server starts once");
      }
      ServerSocketChannel channel = ServerSocketChannel.open();
      try {
        channel.bind(address);
        boundAddress = (InetSocketAddress) channel.getLocalAddress();
      } catch (IOException e) {
        channel.close();
        throw e;
      }
      listener = channel;
      acceptor = new Thread(this::acceptClients, "nbd-accept-" + boundAddress.getPort());
      acceptor.setDaemon(true);
      acceptor.start();
      LOGGER.log(Level.INFO, () -> "NBD server listening on " + boundAddress);
    }
  }

  /** The address the server listens on, with the real port when it was started on port 0. */
  public InetSocketAddress boundAddress() {
    synchronized (lifecycle) {
      if (boundAddress == null) {
        throw new IllegalStateException("the NBD server is not started");
      }
      return boundAddress;
    }
  }

  /**
   * Stops accepting, stops reading from every client, lets their in-flight requests complete and
   * be answered (proto.md: a server shutting down SHOULD wait for them), then closes the
   * connections, each session detached. Connections still busy after 10 seconds are cut.
   */
  @Override
  public void close() {
    Thread acceptingThread;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      if (listener == null) {
        return;
      }
      try {
        listener.close();
      } catch (IOException e) {
        LOGGER.log(Level.WARNING, () -> "NBD server: closing the listener: " + e);
      }
      acceptingThread = acceptor;
    }
    join(acceptingThread, Duration.ofSeconds(1)); // no connection is added after this
    connections.keySet().forEach(NbdConnection::stopReading);
    long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
    connections.forEach((connection, thread) -> {
      if (!join(thread, Duration.ofNanos(deadline - System.nanoTime()))) {
        LOGGER.log(Level.WARNING, () -> "NBD server: " + thread.getName() + " still busy; cutting it off");
        connection.close();
      }
    });
    LOGGER.log(Level.INFO, () -> "NBD server on " + boundAddress + " closed");
  }

  private void acceptClients() {
    while (true) {
      SocketChannel client;
      try {
        client = listener.accept();
      } catch (ClosedChannelException e) {
        return; // close() was called
      } catch (IOException e) {
        // For instance out of file descriptors: keep serving the clients already connected, and
        // pause so that a condition that persists does not spin this loop and flood the log.
        LOGGER.log(Level.WARNING, () -> "NBD server: accepting a client failed: " + e);
        pauseAfterAcceptFailure();
        continue;
      }
      serve(client);
    }
  }

  private void serve(SocketChannel client) {
    String clientAddress;
    try {
      client.setOption(StandardSocketOptions.TCP_NODELAY, true);
      clientAddress = String.valueOf(client.getRemoteAddress());
    } catch (IOException e) {
      LOGGER.log(Level.DEBUG, () -> "NBD server: a client left before it was served: " + e);
      closeQuietly(client);
      return;
    }
    NbdConnection connection = new NbdConnection(client, exports, limits, clientAddress);
    Thread thread = new Thread(() -> {
      try {
        connection.run();
      } finally {
        connections.remove(connection);
      }
    }, "nbd-requests-" + clientAddress);
    thread.setDaemon(true);
    connections.put(connection, thread);
    thread.start();
  }

  private static void pauseAfterAcceptFailure() {
    try {
      Thread.sleep(ACCEPT_FAILURE_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits up to the timeout; true when the thread has ended. */
  private static boolean join(Thread thread, Duration timeout) {
    try {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeout.toNanos())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing left to do with it.
    }
  }
}
