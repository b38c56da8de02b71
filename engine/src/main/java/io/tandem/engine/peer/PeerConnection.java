package io.tandem.engine.peer;

import io.tandem.engine.wire.HandshakeOutcome;
import io.tandem.engine.wire.HandshakeStep;
import io.tandem.engine.wire.Hello;
import io.tandem.engine.wire.PeerHandshake;
import io.tandem.engine.wire.Ping;
import io.tandem.engine.wire.Pong;
import io.tandem.engine.wire.RefusalReason;
import io.tandem.engine.wire.Refused;
import io.tandem.engine.wire.WireDecoded;
import io.tandem.engine.wire.WireDecoder;
import io.tandem.engine.wire.WireEncoder;
import io.tandem.engine.wire.WireFrame;
import io.tandem.engine.wire.WireMessage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One TCP connection to (or from) one peer, driven by its own thread: connect (when dialling),
 * handshake, then read frames until the connection ends. Once established, a writer thread
 * ({@link #writeLoop}) writes the queued messages in order; handshake frames, PINGs and PONGs are
 * written directly. Every write holds one lock, so frames never interleave.
 */
final class PeerConnection implements Runnable {

  /** Why the connection ends; {@code warn} when it never got established or the peer broke the protocol. */
  private static final class LinkFailure extends Exception {
    private final boolean warn;

    LinkFailure(String message, boolean warn) {
      super(message, null, false, false);
      this.warn = warn;
    }
  }

  private static final int READ_BUFFER_BYTES = 64 * 1024;

  private final PeerLinks owner;
  private final SocketChannel channel;
  private final boolean dialled;
  private final long startedNanos;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final WireDecoder decoder = new WireDecoder();
  private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES).flip();
  /** Set once: at construction when dialling, on the caller's HELLO when accepted. */
  private volatile PeerEndpoint peer;
  private volatile SocketAddress remote;
  private volatile boolean established;
  private volatile int version;
  private volatile long lastFrameNanos;
  private volatile long lastPingNanos;
  private volatile String abortReason;
  private volatile boolean abortWarns;
  private long pingSequence;
  /** Set once, when the links accept the established connection: its id, 0 before. */
  private volatile long id;

  private final ReentrantLock outboundLock = new ReentrantLock();
  private final Condition outboundReady = outboundLock.newCondition();
  // guarded by outboundLock
  private final ArrayDeque<byte[]> outbound = new ArrayDeque<>();
  private long queuedBytes;
  private boolean writerStopped;

  private PeerConnection(PeerLinks owner, SocketChannel channel, PeerEndpoint peer, boolean dialled, long nowNanos) {
    this.owner = owner;
    this.channel = channel;
    this.peer = peer;
    this.dialled = dialled;
    this.startedNanos = nowNanos;
  }

  static PeerConnection dialling(PeerLinks owner, SocketChannel channel, PeerEndpoint peer, long nowNanos) {
    return new PeerConnection(owner, channel, peer, true, nowNanos);
  }

  static PeerConnection accepted(PeerLinks owner, SocketChannel channel, long nowNanos) {
    PeerConnection connection = new PeerConnection(owner, channel, null, false, nowNanos);
    try {
      connection.remote = channel.getRemoteAddress();
    } catch (IOException e) {
      // it is logged by address only; an unknown one still closes properly
    }
    return connection;
  }

  @Override
  public void run() {
    String reason;
    boolean warn;
    try {
      if (dialled) {
        connect();
      }
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      handshake();
      readEstablished();
      reason = "closed";
      warn = false;
    } catch (LinkFailure e) {
      reason = abortReason != null ? abortReason : e.getMessage();
      warn = abortReason != null ? abortWarns : e.warn;
    } catch (ConnectException e) {
      // a peer that is down is the normal case of a redial, and the state says Connecting
      reason = abortReason != null ? abortReason : e.toString();
      warn = abortReason != null && abortWarns;
    } catch (IOException | RuntimeException e) {
      reason = abortReason != null ? abortReason : e.toString();
      warn = abortReason != null ? abortWarns : !established;
    }
    closeChannel();
    owner.ended(this, reason, warn);
  }

  private void connect() throws IOException {
    InetSocketAddress local = owner.localAddress();
    InetSocketAddress target = ReplicationAddress.parse(peer.address());
    // from the node's own address: the peer sees the address it knows this node by
    channel.bind(new InetSocketAddress(InetAddress.getByName(local.getHostString()), 0));
    channel.connect(new InetSocketAddress(InetAddress.getByName(target.getHostString()), target.getPort()));
    remote = channel.getRemoteAddress();
  }

  private void handshake() throws IOException, LinkFailure {
    PeerHandshake handshake;
    HandshakeStep step;
    if (dialled) {
      handshake = new PeerHandshake(owner.handshakeConfig(peer), owner.nonce());
      step = handshake.start();
    } else {
      // the caller says who it is in its HELLO; only then is there a handshake config for it
      WireFrame first = nextFrame();
      if (!(first.message() instanceof Hello hello)) {
        throw refuse(RefusalReason.PROTOCOL, first.message().type() + " before HELLO");
      }
      String refusal = owner.claim(this, hello.senderNodeId());
      if (refusal != null) {
        throw refuse(RefusalReason.WRONG_NODE, refusal);
      }
      handshake = new PeerHandshake(owner.handshakeConfig(peer), owner.nonce());
      write(handshake.start().toSend());
      step = handshake.receive(first);
    }
    while (true) {
      write(step.toSend());
      HandshakeOutcome outcome = step.outcome();
      if (outcome instanceof HandshakeOutcome.Failed failed) {
        throw new LinkFailure("handshake failed (" + failed.reason() + "): " + failed.detail(), true);
      }
      if (outcome instanceof HandshakeOutcome.Established done) {
        decoder.established(done.version());
        version = done.version();
        lastFrameNanos = System.nanoTime();
        lastPingNanos = lastFrameNanos;
        established = true;
        owner.established(this, done.version(), done.features());
        return;
      }
      step = handshake.receive(nextFrame());
    }
  }

  private LinkFailure refuse(RefusalReason reason, String text) throws IOException {
    write(List.of(WireFrame.handshake(owner.localNodeId(), new Refused(reason, text))));
    return new LinkFailure("refused (" + reason + "): " + text, true);
  }

  private void readEstablished() throws IOException, LinkFailure {
    while (true) {
      WireFrame frame = nextFrame();
      WireMessage message = frame.message();
      if (message instanceof Ping ping) {
        sendDirect(new Pong(ping.sequence()));
      } else if (!(message instanceof Pong)) {
        owner.received(this, frame);
      }
    }
  }

  private WireFrame nextFrame() throws IOException, LinkFailure {
    while (true) {
      WireDecoded decoded = decoder.decode(readBuffer);
      switch (decoded.kind()) {
        case FRAME -> {
          lastFrameNanos = System.nanoTime();
          return decoded.frame();
        }
        case ERROR -> throw new LinkFailure("protocol error: " + decoded.error(), true);
        default -> {
          // the decoder consumed every byte it was given
          readBuffer.clear();
          int read = channel.read(readBuffer);
          readBuffer.flip();
          if (read < 0) {
            throw new LinkFailure("connection closed by the peer", !established);
          }
        }
      }
    }
  }

  /** Writes one message of the established connection now, past the queue (a PONG). */
  private void sendDirect(WireMessage message) {
    try {
      write(List.of(WireFrame.of(version, owner.localNodeId(), message)));
    } catch (IOException e) {
      abort("write failed: " + e, false);
    }
  }

  /**
   * Encodes {@code message} and queues it for the writer thread; false when the connection is not
   * established or has ended (the message is dropped).
   */
  boolean enqueue(WireMessage message) {
    if (id == 0) {
      return false;
    }
    byte[] bytes = WireEncoder.encode(WireFrame.of(version, owner.localNodeId(), message));
    outboundLock.lock();
    try {
      if (writerStopped) {
        return false;
      }
      outbound.addLast(bytes);
      queuedBytes += bytes.length;
      outboundReady.signal();
      return true;
    } finally {
      outboundLock.unlock();
    }
  }

  /** The bytes queued and not yet completely written. */
  long queuedBytes() {
    outboundLock.lock();
    try {
      return queuedBytes;
    } finally {
      outboundLock.unlock();
    }
  }

  /**
   * The writer thread: writes the queued frames in order until the connection ends. A frame stays
   * counted in {@link #queuedBytes()} until it is written; a failed write closes the connection.
   */
  void writeLoop() {
    while (true) {
      byte[] next;
      outboundLock.lock();
      try {
        while (outbound.isEmpty() && !writerStopped) {
          outboundReady.awaitUninterruptibly();
        }
        if (writerStopped) {
          return;
        }
        next = outbound.peekFirst();
      } finally {
        outboundLock.unlock();
      }
      writeLock.lock();
      try {
        channelWrite(next);
      } catch (IOException e) {
        abort("write failed: " + e, false);
        return;
      } finally {
        writeLock.unlock();
      }
      outboundLock.lock();
      try {
        if (!writerStopped) {
          outbound.pollFirst();
          queuedBytes -= next.length;
        }
      } finally {
        outboundLock.unlock();
      }
    }
  }

  /** Ends the writer thread and drops what is still queued: the connection has ended. */
  void stopWriter() {
    outboundLock.lock();
    try {
      writerStopped = true;
      outbound.clear();
      queuedBytes = 0;
      outboundReady.signal();
    } finally {
      outboundLock.unlock();
    }
  }

  /**
   * Sends a PING when one is due and no other write is in progress: the scheduler must not block
   * behind a large write (a busy connection is observed by its traffic anyway).
   */
  void pingIfDue(long nowNanos, long intervalNanos) {
    if (!established || nowNanos - lastPingNanos < intervalNanos || !writeLock.tryLock()) {
      return;
    }
    try {
      lastPingNanos = nowNanos;
      channelWrite(WireEncoder.encode(WireFrame.of(version, owner.localNodeId(), new Ping(++pingSequence))));
    } catch (IOException e) {
      abort("write failed: " + e, false);
    } finally {
      writeLock.unlock();
    }
  }

  private void write(List<WireFrame> frames) throws IOException {
    writeLock.lock();
    try {
      for (WireFrame frame : frames) {
        channelWrite(WireEncoder.encode(frame));
      }
    } finally {
      writeLock.unlock();
    }
  }

  private void channelWrite(byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /**
   * Ends the connection from another thread; the blocked read or connect returns at once.
   * {@code warn}: the end is a fault the operator should see (an expired handshake, a dead peer).
   */
  void abort(String reason, boolean warn) {
    if (abortReason == null) {
      abortWarns = warn;
      abortReason = reason;
    }
    closeChannel();
  }

  private void closeChannel() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing is best effort; the descriptor is released either way
    }
  }

  void identify(PeerEndpoint identified) {
    peer = identified;
  }

  void establishedAs(long connectionId) {
    id = connectionId;
  }

  /** The id the links gave the established connection; 0 before (and if it never was). */
  long id() {
    return id;
  }

  PeerEndpoint peer() {
    return peer;
  }

  boolean dialled() {
    return dialled;
  }

  boolean isEstablished() {
    return established;
  }

  long startedNanos() {
    return startedNanos;
  }

  long lastFrameNanos() {
    return lastFrameNanos;
  }

  /** The socket's remote address once connected, else null. */
  InetSocketAddress remoteAddress() {
    return remote instanceof InetSocketAddress inet ? inet : null;
  }

  /** For logs: the remote address, or the configured one before the connect. */
  String describe() {
    PeerEndpoint known = peer;
    String address = remote != null ? remote.toString() : known != null ? known.address() : "?";
    return known != null ? "node " + known.name() + " (" + address + ")" : address;
  }
}
