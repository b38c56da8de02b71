package io.tandem.engine.runtime;

import io.tandem.engine.core.DiskState;
import io.tandem.engine.core.Effect;
import io.tandem.engine.core.Event;
import io.tandem.engine.core.ReplicaCore;
import io.tandem.engine.core.ReplicaStatus;
import io.tandem.engine.core.VolumeSetup;
import io.tandem.engine.core.ReplicaSettings;
import io.tandem.engine.volume.VolumeStorage;
import java.io.Closeable;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * One node's side of a resource, running: the core, its volumes' files and the I/O threads.
 * Thread-safe: any thread may submit.
 */
public final class ReplicaRuntime implements Closeable {

  private static final System.Logger LOG = System.getLogger(ReplicaRuntime.class.getName());

  private final Object lock = new Object();
  private final ReplicaCore core;
  private final Map<Integer, VolumeStorage> storages;
  private final ExecutorService io;
  private final Map<Long, Consumer<Effect.RequestCompleted>> callbacks = new ConcurrentHashMap<>();
  private final AtomicLong nextRequestId = new AtomicLong(1);
  private final CompletableFuture<ReplicaStatus> attached = new CompletableFuture<>();
  private final boolean checkInvariants;
  private volatile boolean closed;
  /**
   * I/O effects this thread has still to perform when effects run inline; non-null while the
   * thread is inside {@link #handle}, so a completion handled during the loop queues its effects
   * instead of recursing.
   */
  private final ThreadLocal<java.util.ArrayDeque<Effect>> inlineQueue = new ThreadLocal<>();

  /** Whether the core's invariants are checked after every event (always in tests; cheap). */
  public enum InvariantChecks {
    AFTER_EVERY_EVENT,
    OFF
  }

  /**
   * @param storages the open files of every diskful volume, by volume number (owned from now on)
   * @param ioThreads threads performing data and metadata I/O; 0 performs each effect on the
   *     thread whose event caused it (no hand-off: fewer context switches, but a connection's
   *     requests then run one after the other)
   */
  public ReplicaRuntime(ReplicaSettings settings, List<VolumeSetup> volumes, Map<Integer, VolumeStorage> storages,
      int ioThreads, InvariantChecks invariantChecks) {
    SecureRandom random = new SecureRandom();
    this.core = new ReplicaCore(settings, volumes, random::nextLong);
    this.storages = new TreeMap<>(storages);
    this.checkInvariants = invariantChecks == InvariantChecks.AFTER_EVERY_EVENT;
    AtomicInteger threadNumber = new AtomicInteger();
    this.io = ioThreads == 0 ? null : new ThreadPoolExecutor(ioThreads, ioThreads, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(),
        runnable -> {
          Thread thread = new Thread(runnable, settings.resource() + "-io-" + threadNumber.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  /**
   * Attaches the volumes (applying their activity logs); the future completes with the status once
   * no volume is attaching any more.
   */
  public CompletableFuture<ReplicaStatus> start() {
    List<Effect> effects;
    synchronized (lock) {
      effects = core.start();
    }
    dispatch(effects);
    noteAttachProgress();
    return attached;
  }

  private void noteAttachProgress() {
    if (attached.isDone()) {
      return;
    }
    ReplicaStatus status = status();
    for (ReplicaStatus.Volume volume : status.volumes()) {
      if (volume.diskState() == DiskState.Attaching) {
        return;
      }
    }
    attached.complete(status);
  }

  public ReplicaStatus status() {
    synchronized (lock) {
      return core.status();
    }
  }

  /**
   * Submits the event {@code eventForId} makes from a fresh request id; {@code callback} runs
   * exactly once with its completion, on some engine thread (it must not block).
   */
  public void submit(LongFunction<Event> eventForId, Consumer<Effect.RequestCompleted> callback) {
    long requestId = nextRequestId.getAndIncrement();
    callbacks.put(requestId, callback);
    handle(eventForId.apply(requestId));
  }

  /** {@link #submit} as a future. */
  public CompletableFuture<Effect.RequestCompleted> request(LongFunction<Event> eventForId) {
    CompletableFuture<Effect.RequestCompleted> future = new CompletableFuture<>();
    submit(eventForId, future::complete);
    return future;
  }

  /** An event that completes nothing by itself (e.g. a client leaving). */
  public void tell(Event event) {
    handle(event);
  }

  private void handle(Event event) {
    List<Effect> effects;
    synchronized (lock) {
      effects = core.handle(event);
      if (checkInvariants) {
        core.checkInvariants();
      }
    }
    dispatch(effects);
    if (event instanceof Event.IoCompleted) {
      noteAttachProgress();
    }
  }

  private void dispatch(List<Effect> effects) {
    List<Effect> ioEffects = new ArrayList<>();
    for (Effect effect : effects) {
      if (effect instanceof Effect.RequestCompleted completed) {
        Consumer<Effect.RequestCompleted> callback = callbacks.remove(completed.requestId());
        if (callback == null) {
          throw new IllegalStateException("completion of unknown request " + completed.requestId());
        }
        callback.accept(completed);
      } else if (effect instanceof Effect.SendToPeer || effect instanceof Effect.HoldPeer) {
        // peer transport: wired in by the runner (no peers in a runtime without one)
      } else {
        ioEffects.add(effect);
      }
    }
    if (closed) {
      return;
    }
    if (io != null) {
      for (Effect effect : ioEffects) {
        VolumeStorage storage = storageFor(effect);
        io.execute(() -> handle(storage.perform(effect)));
      }
      return;
    }
    java.util.ArrayDeque<Effect> queue = inlineQueue.get();
    if (queue != null) {
      queue.addAll(ioEffects);
      return;
    }
    queue = new java.util.ArrayDeque<>(ioEffects);
    inlineQueue.set(queue);
    try {
      Effect next;
      while ((next = queue.pollFirst()) != null && !closed) {
        handle(storageFor(next).perform(next));
      }
    } finally {
      inlineQueue.remove();
    }
  }

  private VolumeStorage storageFor(Effect effect) {
    int volume = effect instanceof Effect.DataIo data ? data.volume() : ((Effect.MetadataIo) effect).volume();
    return storages.get(volume);
  }

  @Override
  public void close() throws IOException {
    closed = true;
    if (io != null) {
      io.shutdown();
      try {
        if (!io.awaitTermination(10, TimeUnit.SECONDS)) {
          LOG.log(System.Logger.Level.WARNING, "I/O threads did not finish within 10 s; closing the files anyway");
          io.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    IOException first = null;
    for (VolumeStorage storage : storages.values()) {
      try {
        storage.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
