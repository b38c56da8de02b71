package io.tandem.engine.runtime;

import io.tandem.engine.core.ConnectionState;
import io.tandem.engine.core.DiskState;
import io.tandem.engine.core.Effect;
import io.tandem.engine.core.Event;
import io.tandem.engine.core.ReplicaCore;
import io.tandem.engine.core.ReplicaStatus;
import io.tandem.engine.core.VolumeSetup;
import io.tandem.engine.core.ReplicaSettings;
import io.tandem.engine.volume.VolumeStorage;
import io.tandem.engine.wire.WireMessage;
import java.io.Closeable;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 *
 * <h2>Peers</h2>
 * The edge that keeps the connections to the peers feeds what happens on them through
 * {@link #peerConnected}, {@link #peerReceived} and {@link #peerDisconnected}, each handled at once
 * on the calling thread; calling them for one connection from one thread, in the order things
 * happened, keeps that order. The core's {@link Effect.SendToPeer} and {@link Effect.HoldPeer} go
 * to the {@link PeerTransport} while the core's lock is held, in the order of the effects, so what
 * the core sends to a peer leaves in the order the core decided it; the transport only queues.
 * The runtime never holds its lock while waiting for a socket, and the transport never calls back
 * while holding one of its own locks, so the threads of both may call each other.
 */
public final class ReplicaRuntime implements Closeable {

  private static final System.Logger LOG = System.getLogger(ReplicaRuntime.class.getName());

  private final Object lock = new Object();
  private final ReplicaCore core;
  private final Map<Integer, VolumeStorage> storages;
  private final ExecutorService io;
  private final Map<Long, Consumer<Effect.RequestCompleted>> callbacks = new ConcurrentHashMap<>();
  private final AtomicLong nextRequestId = new AtomicLong(1);
  private final StateWatch watch;
  private volatile PeerTransport transport = PeerTransport.NONE;
  private final String resource;
  /** Events the core handled (start included); written under the lock. */
  private volatile long handledEvents;
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
    this.resource = settings.resource();
    this.storages = new TreeMap<>(storages);
    this.checkInvariants = invariantChecks == InvariantChecks.AFTER_EVERY_EVENT;
    this.watch = new StateWatch(this, settings.resource() + "-state-watch");
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
      effects = routePeerEffects(core.start());
      handledEvents++;
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

  /**
   * The core's status, with each peer's connection as the transport sees it when the core is not
   * connected: Connecting while the transport tries, StandAlone when it does not (held, stopped).
   */
  public ReplicaStatus status() {
    return withTransportStates(coreStatus());
  }

  ReplicaStatus coreStatus() {
    synchronized (lock) {
      return core.status();
    }
  }

  long handledEvents() {
    return handledEvents;
  }

  ReplicaStatus withTransportStates(ReplicaStatus status) {
    PeerTransport peers = transport;
    List<ReplicaStatus.PeerStatus> merged = new ArrayList<>(status.peers().size());
    boolean changed = false;
    for (ReplicaStatus.PeerStatus peer : status.peers()) {
      ConnectionState transportState = peers.connectionState(peer.nodeId());
      ConnectionState shown = peer.connection();
      if (peer.connection() == ConnectionState.StandAlone && transportState != ConnectionState.StandAlone) {
        shown = ConnectionState.Connecting; // held by the core, the transport has not closed yet
      } else if (peer.connection() == ConnectionState.Connecting && transportState == ConnectionState.StandAlone) {
        shown = ConnectionState.StandAlone; // nothing tries to connect (no links, or not started)
      }
      if (shown != peer.connection()) {
        merged.add(new ReplicaStatus.PeerStatus(peer.name(), peer.nodeId(), shown, peer.volumes(), peer.problem()));
        changed = true;
      } else {
        merged.add(peer);
      }
    }
    return !changed ? status : new ReplicaStatus(status.resource(), status.node(), status.nodeId(), status.role(),
        status.quorum(), status.volumes(), merged);
  }

  /**
   * Sends the core's peer effects to {@code transport} from now on (before, they are dropped); set
   * once, before the transport reports any connection.
   */
  public void usePeerTransport(PeerTransport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
  }

  /** The bytes queued for node {@code nodeId} and not yet written, as the transport counts them. */
  public long queuedBytes(int nodeId) {
    return transport.queuedBytes(nodeId);
  }

  /** The connection {@code connectionId} to node {@code nodeId} is established. */
  public void peerConnected(int nodeId, long connectionId) {
    handle(new Event.PeerConnected(nodeId, connectionId));
  }

  /** The connection {@code connectionId} to node {@code nodeId} ended. */
  public void peerDisconnected(int nodeId, long connectionId, String reason) {
    handle(new Event.PeerDisconnected(nodeId, connectionId, reason));
  }

  /** {@code message} arrived on the connection {@code connectionId} to node {@code nodeId}. */
  public void peerReceived(int nodeId, long connectionId, WireMessage message) {
    handle(new Event.PeerReceived(nodeId, connectionId, message));
  }

  /**
   * Watches the state an operator follows (role, quorum, disks, connections, replication, resync
   * progress): {@code listener} gets the changes since the subscription's initial status, on the
   * runtime's watch thread; it must not block. Close the subscription to stop.
   */
  public StateWatch.Subscription watch(Consumer<List<StateChange>> listener) {
    return watch.subscribe(listener);
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
      handledEvents++;
      if (checkInvariants) {
        core.checkInvariants();
      }
      effects = routePeerEffects(effects);
    }
    dispatch(effects);
    if (event instanceof Event.IoCompleted) {
      noteAttachProgress();
    }
  }

  /**
   * Hands the peer effects to the transport, in their order, logs the notices, and returns the others. Called under
   * the lock: a later event's messages to a peer can never overtake an earlier one's.
   */
  List<Effect> routePeerEffects(List<Effect> effects) {
    List<Effect> others = null;
    PeerTransport peers = transport;
    for (int i = 0; i < effects.size(); i++) {
      Effect effect = effects.get(i);
      boolean peerEffect = true;
      try {
        if (effect instanceof Effect.SendToPeer send) {
          peers.send(send.nodeId(), send.connectionId(), send.message());
        } else if (effect instanceof Effect.HoldPeer hold) {
          peers.hold(hold.nodeId(), hold.hold(), hold.reason());
        } else if (effect instanceof Effect.Notice notice) {
          LOG.log(System.Logger.Level.INFO, "resource " + resource + ": " + notice.message());
        } else {
          peerEffect = false;
        }
      } catch (RuntimeException e) {
        // the core has moved on; a transport failure must not lose the other effects
        LOG.log(System.Logger.Level.ERROR, "the peer transport failed on " + effect, e);
      }
      if (peerEffect && others == null) {
        others = new ArrayList<>(effects.subList(0, i));
      } else if (!peerEffect && others != null) {
        others.add(effect);
      }
    }
    return others == null ? effects : others;
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
    watch.close();
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
