package io.tandem.engine.nbd;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes one connection's replies, on its own thread, so that whoever completes a request (an
 * engine thread, a disk thread, the reader) only queues a reply and never waits for the network.
 * Every reply queued while the thread was writing goes out in the next single gathering write: the
 * headers of consecutive replies share one slice of a direct buffer, READ data follows its header
 * without a copy. Replies leave in completion order; clients match them by cookie.
 *
 * <p>If a write fails the connection is broken: the writer drops what is queued and what comes
 * later (counting it as answered, so the reader can finish) and shuts down the input, which makes
 * the reader stop.
 */
final class NbdReplyWriter implements Runnable {

  private static final System.Logger LOGGER = System.getLogger(NbdReplyWriter.class.getName());
  /** Linux accepts at most 1024 buffers per writev; more replies than fit wait for the next write. */
  private static final int MAX_BATCH = 512;

  private final SocketChannel channel;
  private final NbdRequestsInFlight inFlight;
  private final String clientAddress;
  private final int maxBatch;
  private final ByteBuffer headers;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition queued = lock.newCondition();
  private final ArrayDeque<NbdReply> queue = new ArrayDeque<>();
  private boolean finishing;
  private boolean broken;

  NbdReplyWriter(SocketChannel channel, NbdRequestsInFlight inFlight, NbdConnectionLimits limits,
      String clientAddress) {
    this.channel = channel;
    this.inFlight = inFlight;
    this.clientAddress = clientAddress;
    this.maxBatch = Math.min(MAX_BATCH, limits.maxRequestsInFlight());
    this.headers = ByteBuffer.allocateDirect(maxBatch * NbdProtocol.SIMPLE_REPLY_HEADER_BYTES);
  }

  /** Queues a reply; from any thread, never blocks on I/O. */
  void enqueue(NbdReply reply) {
    lock.lock();
    try {
      if (!broken) {
        queue.add(reply);
        queued.signal();
        return;
      }
    } finally {
      lock.unlock();
    }
    inFlight.release(reply.dataBytesInFlight()); // nobody is left to read it
  }

  /** No reply will be queued any more: the thread ends once the queue is written. */
  void finish() {
    lock.lock();
    try {
      finishing = true;
      queued.signal();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void run() {
    List<NbdReply> batch = new ArrayList<>(maxBatch);
    while (takeBatch(batch)) {
      try {
        write(batch);
      } catch (IOException e) {
        breakDown(e);
        return;
      } finally {
        for (NbdReply reply : batch) {
          inFlight.release(reply.dataBytesInFlight());
        }
        batch.clear();
      }
    }
  }

  /** Waits for replies and moves up to a batch of them out of the queue; false once finished. */
  private boolean takeBatch(List<NbdReply> batch) {
    lock.lock();
    try {
      while (queue.isEmpty() && !finishing) {
        queued.awaitUninterruptibly();
      }
      while (batch.size() < maxBatch && !queue.isEmpty()) {
        batch.add(queue.poll());
      }
      return !batch.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  private void write(List<NbdReply> batch) throws IOException {
    headers.clear();
    ByteBuffer[] parts = new ByteBuffer[2 * batch.size()];
    int count = 0;
    int headerRunStart = 0;
    for (NbdReply reply : batch) {
      NbdEncoder.simpleReplyHeader(headers, reply.cookie(), reply.error());
      if (reply.data().hasRemaining()) {
        parts[count++] = headers.slice(headerRunStart, headers.position() - headerRunStart);
        headerRunStart = headers.position();
        parts[count++] = reply.data();
      }
    }
    if (headers.position() > headerRunStart) {
      parts[count++] = headers.slice(headerRunStart, headers.position() - headerRunStart);
    }
    int first = 0;
    while (first < count) {
      channel.write(parts, first, count - first);
      while (first < count && !parts[first].hasRemaining()) {
        first++;
      }
    }
  }

  private void breakDown(IOException cause) {
    List<NbdReply> dropped;
    lock.lock();
    try {
      broken = true;
      dropped = new ArrayList<>(queue);
      queue.clear();
    } finally {
      lock.unlock();
    }
    for (NbdReply reply : dropped) {
      inFlight.release(reply.dataBytesInFlight());
    }
    LOGGER.log(Level.DEBUG, () -> "NBD client " + clientAddress + ": writing replies failed: " + cause);
    try {
      channel.shutdownInput();
    } catch (IOException e) {
      // Already closed: the reader has stopped anyway.
    }
  }
}
