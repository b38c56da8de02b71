package io.tandem.engine.nbd;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A test export over a byte array. Sessions carry out requests at once; with {@link #holdCompletions}
 * they keep them until the test completes them, in any order, from any thread. It checks the
 * server's promises: no more requests outstanding than allowed, detach only after the last
 * completion.
 */
final class MemoryExport implements NbdExport {

  /** A request the session carried out and has not completed yet. */
  record Held(NbdRequest request, Runnable complete) {}

  private final String name;
  private final String description;
  private final byte[] data;
  private boolean readOnly;
  private boolean trim = true;
  private boolean writeZeroes = true;
  private boolean multiConnection = true;
  private String refusal;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean holding;
  private final List<Held> held = new ArrayList<>();
  private final List<NbdRequest> submitted = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private int attaches;
  private int detaches;
  private int outstanding;
  private int maxOutstanding;

  MemoryExport(String name, String description, int sizeBytes) {
    this.name = name;
    this.description = description;
    this.data = new byte[sizeBytes];
  }

  MemoryExport readOnly() {
    readOnly = true;
    return this;
  }

  MemoryExport withoutTrimOrWriteZeroes() {
    trim = false;
    writeZeroes = false;
    return this;
  }

  MemoryExport refusing(String message) {
    refusal = message;
    return this;
  }

  void holdCompletions() {
    lock.lock();
    try {
      holding = true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public long sizeBytes() {
    return data.length;
  }

  @Override
  public boolean supportsTrim() {
    return trim;
  }

  @Override
  public boolean supportsWriteZeroes() {
    return writeZeroes;
  }

  @Override
  public boolean supportsMultiConnection() {
    return multiConnection;
  }

  @Override
  public NbdSession attach(String clientAddress) throws NbdRefusedException {
    if (refusal != null) {
      throw new NbdRefusedException(refusal);
    }
    lock.lock();
    try {
      attaches++;
    } finally {
      lock.unlock();
    }
    return new Session();
  }

  byte[] contents() {
    synchronized (data) {
      return data.clone();
    }
  }

  void fill(byte[] source) {
    synchronized (data) {
      System.arraycopy(source, 0, data, 0, source.length);
    }
  }

  int attaches() {
    return locked(() -> attaches);
  }

  int detaches() {
    return locked(() -> detaches);
  }

  int maxOutstanding() {
    return locked(() -> maxOutstanding);
  }

  List<NbdRequest> submitted() {
    return locked(() -> List.copyOf(submitted));
  }

  List<String> violations() {
    return locked(() -> List.copyOf(violations));
  }

  /** Waits until this many requests are held, and takes them (in submission order). */
  List<Held> awaitHeld(int count) {
    lock.lock();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (held.size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("only " + held.size() + " of " + count + " requests arrived");
        }
        changed.awaitNanos(left);
      }
      List<Held> taken = new ArrayList<>(held.subList(0, count));
      held.subList(0, count).clear();
      return taken;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      lock.unlock();
    }
  }

  /** Waits until every attached session has detached. */
  void awaitDetaches(int count) {
    lock.lock();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (detaches < count) {
        if (!changed.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
          throw new AssertionError(detaches + " of " + count + " sessions detached");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      lock.unlock();
    }
  }

  private <T> T locked(java.util.function.Supplier<T> read) {
    lock.lock();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }

  private final class Session implements NbdSession {

    private boolean detached;
    /** This session's own requests not yet completed (other sessions of the export may have some too). */
    private int sessionOutstanding;

    @Override
    public boolean readOnly() {
      return readOnly;
    }

    @Override
    public void submit(NbdRequest request, NbdCompletion completion) {
      ByteBuffer readData = carryOut(request);
      Runnable complete = () -> {
        lock.lock();
        try {
          outstanding--;
          sessionOutstanding--;
          changed.signalAll();
        } finally {
          lock.unlock();
        }
        completion.complete(NbdError.NONE, readData);
      };
      boolean hold;
      lock.lock();
      try {
        if (detached) {
          violations.add("submit after detach");
        }
        submitted.add(request);
        outstanding++;
        sessionOutstanding++;
        maxOutstanding = Math.max(maxOutstanding, outstanding);
        hold = holding;
        if (hold) {
          held.add(new Held(request, complete));
          changed.signalAll();
        }
      } finally {
        lock.unlock();
      }
      if (!hold) {
        complete.run();
      }
    }

    @Override
    public void detach() {
      lock.lock();
      try {
        if (detached) {
          violations.add("detached twice");
        }
        if (sessionOutstanding != 0) {
          violations.add("detached with " + sessionOutstanding + " requests outstanding");
        }
        detached = true;
        detaches++;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    /** Does the request's work at once (even when its completion is held) and returns READ data. */
    private ByteBuffer carryOut(NbdRequest request) {
      int offset = (int) request.offset();
      int length = (int) request.length();
      synchronized (data) {
        switch (request.command()) {
          case READ:
            return ByteBuffer.wrap(Arrays.copyOfRange(data, offset, offset + length));
          case WRITE:
            request.payload().duplicate().get(data, offset, length);
            return null;
          case TRIM:
          case WRITE_ZEROES:
            Arrays.fill(data, offset, offset + length, (byte) 0);
            return null;
          case FLUSH:
          default:
            return null;
        }
      }
    }
  }
}
