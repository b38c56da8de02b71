package io.tandem.engine.runtime;

import io.tandem.engine.core.ReplicaStatus;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reports a runtime's {@link StateChange}s to its subscribers. While anyone subscribes, one thread
 * looks every {@link #INTERVAL_MILLIS} ms: it takes the core's status again only when the runtime
 * handled an event since the last look (the transport's connection states are read each time),
 * compares a compact snapshot with what each subscriber saw last, and hands it the differences.
 * So a burst of I/O costs one status per interval, not one per completion; a state that lasted
 * less than an interval may go unreported, but the last state always is.
 */
public final class StateWatch {

  /** How often the state is looked at while anyone subscribes. */
  public static final long INTERVAL_MILLIS = 25;

  private static final System.Logger LOG = System.getLogger(StateWatch.class.getName());

  /** A subscription: the status it started from; closing it ends the calls. */
  public interface Subscription extends AutoCloseable {

    /** The full status at the subscription; the first changes reported are relative to it. */
    ReplicaStatus initial();

    @Override
    void close();
  }

  private final ReplicaRuntime runtime;
  private final String threadName;
  private final Object lock = new Object();
  // guarded by lock
  private final List<Subscriber> subscribers = new ArrayList<>();
  private Thread thread;
  private boolean closed;
  private long seenEvents = -1;
  private ReplicaStatus coreStatus;

  private final class Subscriber implements Subscription {
    private final Consumer<List<StateChange>> listener;
    private final ReplicaStatus initial;
    private StateSnapshot seen;

    Subscriber(Consumer<List<StateChange>> listener, ReplicaStatus initial) {
      this.listener = listener;
      this.initial = initial;
      this.seen = StateSnapshot.of(initial);
    }

    @Override
    public ReplicaStatus initial() {
      return initial;
    }

    @Override
    public void close() {
      synchronized (lock) {
        subscribers.remove(this);
      }
    }
  }

  StateWatch(ReplicaRuntime runtime, String threadName) {
    this.runtime = runtime;
    this.threadName = threadName;
  }

  /**
   * Subscribes {@code listener}: it is called on the watch thread with the changes since the
   * previous call (or since {@link Subscription#initial()}), and must not block. A listener that
   * throws is unsubscribed.
   */
  Subscription subscribe(Consumer<List<StateChange>> listener) {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the runtime is closed");
      }
      Subscriber subscriber = new Subscriber(listener, runtime.status());
      subscribers.add(subscriber);
      if (thread == null) {
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
      }
      lock.notifyAll();
      return subscriber;
    }
  }

  void close() {
    synchronized (lock) {
      closed = true;
      subscribers.clear();
      lock.notifyAll();
    }
  }

  private void run() {
    try {
      while (true) {
        synchronized (lock) {
          while (subscribers.isEmpty() && !closed) {
            lock.wait();
          }
          if (closed) {
            return;
          }
        }
        Thread.sleep(INTERVAL_MILLIS);
        synchronized (lock) {
          if (closed) {
            return;
          }
          look();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Called under the lock. */
  private void look() {
    if (subscribers.isEmpty()) {
      return;
    }
    // read before the status: a status is never older than the count it is filed under
    long events = runtime.handledEvents();
    if (events != seenEvents || coreStatus == null) {
      seenEvents = events;
      coreStatus = runtime.coreStatus();
    }
    StateSnapshot now = StateSnapshot.of(runtime.withTransportStates(coreStatus));
    for (Subscriber subscriber : new ArrayList<>(subscribers)) {
      List<StateChange> changes = now.changesSince(subscriber.seen);
      if (changes.isEmpty()) {
        continue;
      }
      subscriber.seen = now;
      try {
        subscriber.listener.accept(changes);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "a state listener failed; it is unsubscribed", e);
        subscribers.remove(subscriber);
      }
    }
  }
}
