package io.tandem.engine.nbd;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts one connection's requests from the moment they are decoded until their reply is written
 * (or dropped because the connection broke). The reader waits here for room before it reads the
 * next request (backpressure) and for zero before it ends the connection, so that
 * {@link NbdSession#detach} comes after every completion.
 */
final class NbdRequestsInFlight {

  private final NbdConnectionLimits limits;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private int requests;
  private long dataBytes;

  NbdRequestsInFlight(NbdConnectionLimits limits) {
    this.limits = limits;
  }

  /** Waits until one more request may be read. */
  void awaitRoom() {
    lock.lock();
    try {
      while (requests >= limits.maxRequestsInFlight() || dataBytes >= limits.maxDataBytesInFlight()) {
        changed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  void add(long requestDataBytes) {
    lock.lock();
    try {
      requests++;
      dataBytes += requestDataBytes;
    } finally {
      lock.unlock();
    }
  }

  void release(long requestDataBytes) {
    lock.lock();
    try {
      if (requests == 0 || dataBytes < requestDataBytes) {
        throw new IllegalStateException("released more than was in flight");
      }
      requests--;
      dataBytes -= requestDataBytes;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until every request has been answered or dropped. */
  void awaitNone() {
    lock.lock();
    try {
      while (requests > 0) {
        changed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }
}
