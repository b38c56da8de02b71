package io.tandem.engine.simulation;

import io.tandem.engine.core.DataOperation;
import io.tandem.engine.core.DiskState;
import io.tandem.engine.core.Durability;
import io.tandem.engine.core.Effect;
import io.tandem.engine.core.Event;
import io.tandem.engine.core.IoOutcome;
import io.tandem.engine.core.Peer;
import io.tandem.engine.core.Provisioning;
import io.tandem.engine.core.ReplicaCore;
import io.tandem.engine.core.ReplicaSettings;
import io.tandem.engine.core.VolumeSetup;
import io.tandem.engine.metadata.PeerSlot;
import io.tandem.engine.storage.FaultPolicy;
import io.tandem.engine.storage.MemoryFileSystem;
import io.tandem.engine.volume.VolumeFileNames;
import io.tandem.engine.volume.VolumeStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * One node of a simulated cluster: its own crashable {@link MemoryFileSystem}, the
 * {@link VolumeStorage} of each volume, and the {@link ReplicaCore} of the current process. The
 * node performs the core's I/O effects on its files after a random latency on the virtual clock
 * (each I/O independently, so they may complete in any order) and hands every other effect to its
 * {@link Edge}. I/O errors are injected into the file system at a rate while faults are enabled.
 *
 * <p>A node goes down by a power loss (its file system crashes: unsynced writes kept, dropped or
 * torn) or by a kill (the process ends; the file system keeps everything). Either way the core and
 * everything it had scheduled are gone: each process is an <em>incarnation</em>, and what was
 * scheduled for an earlier one is dropped. {@link #start()} opens the files (creating them the
 * first time, all replicas with the same day-0 generation) and starts a new core.
 */
final class SimulatedNode implements SimulatedNetwork.Node {

  /** A volume of the resource as this node keeps it. */
  record Volume(int number, long sizeBytes, Provisioning provisioning, long dayZeroUuid) {}

  /** What the rest of the simulation does with a node's effects, and after each of its events. */
  interface Edge {

    /** After the core handled an event (or started), before its effects are dispatched. */
    void afterEvent(SimulatedNode node);

    void completed(SimulatedNode node, Effect.RequestCompleted completed);

    void send(SimulatedNode node, Effect.SendToPeer send);

    void hold(SimulatedNode node, Effect.HoldPeer hold);
  }

  final int id;
  final String name;
  private final boolean diskless;
  private final ReplicaSettings settings;
  private final List<Volume> volumes;
  private final SimulationClock clock;
  private final Random random;
  private final SimulationTrace trace;
  private final Edge edge;
  private final MemoryFileSystem fileSystem = new MemoryFileSystem();
  private final Map<Integer, VolumeStorage> storages = new TreeMap<>();
  /** Per volume, the bitmap slot of each peer, from the metadata as opened. */
  private final Map<Integer, Map<Integer, Integer>> slots = new TreeMap<>();
  /** How often the edge's clock ticks into the core (virtual µs), as the engine's scheduler does. */
  static final long TICK_MICROS = 100_000;

  /** Whether the core gets the edge's ticks. */
  private final boolean ticks;
  private ReplicaCore core;
  private int incarnation;
  private boolean handling;
  private boolean faults;
  private int ioErrorPerMille;
  private long injectedIoErrors;

  SimulatedNode(ReplicaSettings settings, boolean diskless, List<Volume> volumes, SimulationClock clock,
      Random random, SimulationTrace trace, Edge edge, boolean ticks) {
    this.ticks = ticks;
    this.id = settings.nodeId();
    this.name = "n" + settings.nodeId();
    this.settings = settings;
    this.diskless = diskless;
    this.volumes = List.copyOf(volumes);
    this.clock = clock;
    this.random = random;
    this.trace = trace;
    this.edge = edge;
    fileSystem.setFaultPolicy(operation -> {
      if (faults && random.nextInt(1000) < ioErrorPerMille) {
        injectedIoErrors++;
        return Optional.of(FaultPolicy.injected(operation));
      }
      return Optional.empty();
    });
  }

  /** How many I/O errors were injected into this node's file operations so far. */
  long injectedIoErrors() {
    return injectedIoErrors;
  }

  @Override
  public int nodeId() {
    return id;
  }

  @Override
  public boolean up() {
    return core != null;
  }

  boolean diskless() {
    return diskless;
  }

  /** The process: changes at every stop, so what was scheduled for the old one is dropped. */
  @Override
  public int incarnation() {
    return incarnation;
  }

  ReplicaCore core() {
    if (core == null) {
      throw new IllegalStateException(name + " is down");
    }
    return core;
  }

  List<Peer> peers() {
    return settings.peers();
  }

  List<Volume> volumes() {
    return volumes;
  }

  /** Injects I/O errors into {@code perMille} of the file operations from now on (0: none). */
  void injectIoErrors(int perMille) {
    this.ioErrorPerMille = perMille;
    this.faults = perMille > 0;
  }

  /** Whether any volume's disk failed. */
  boolean diskFailed() {
    return up() && core.status().volumes().stream().anyMatch(volume -> volume.diskState() == DiskState.Failed);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Opens the files (no I/O errors while they open) and starts a new core. */
  void start() {
    if (up()) {
      throw new IllegalStateException(name + " is up already");
    }
    boolean faultsWere = faults;
    faults = false;
    List<VolumeSetup> setups = new ArrayList<>();
    try {
      for (Volume volume : volumes) {
        if (diskless) {
          setups.add(VolumeSetup.diskless(volume.number(), volume.sizeBytes()));
          continue;
        }
        VolumeStorage storage;
        try {
          storage = VolumeStorage.openOrCreate(fileSystem, VolumeFileNames.in("/" + name, settings.resource(),
              volume.number()), new VolumeStorage.Creation(volume.sizeBytes(), id, settings.peers(),
              volume.provisioning(), volume.dayZeroUuid()));
        } catch (IOException e) {
          throw new AssertionError(name + ": volume " + volume.number() + " does not open after the restart: "
              + e.getMessage(), e);
        }
        storages.put(volume.number(), storage);
        Map<Integer, Integer> slotOfPeer = new TreeMap<>();
        List<PeerSlot> peerSlots = storage.image().superblock().peerSlots();
        for (int slot = 0; slot < peerSlots.size(); slot++) {
          if (peerSlots.get(slot).peerNodeId() != PeerSlot.UNASSIGNED) {
            slotOfPeer.put(peerSlots.get(slot).peerNodeId(), slot);
          }
        }
        slots.put(volume.number(), slotOfPeer);
        setups.add(VolumeSetup.diskful(volume.number(), volume.provisioning(), storage.image()));
      }
    } finally {
      faults = faultsWere;
    }
    core = new ReplicaCore(settings, setups, random::nextLong);
    incarnation++;
    trace.record(clock.now(), name, "start", "incarnation " + incarnation + ", protocol " + settings.protocol()
        + ", quorum " + settings.quorum().mode());
    handling = true;
    List<Effect> effects;
    try {
      effects = core.start();
    } finally {
      handling = false;
    }
    afterEvent(effects);
    scheduleTick(incarnation);
  }

  /** The next tick of this process's clock (in nanoseconds of the virtual time), while it runs. */
  private void scheduleTick(int process) {
    if (!ticks) {
      return;
    }
    clock.after(TICK_MICROS, () -> {
      if (up() && incarnation == process) {
        handle(new Event.Tick(clock.now() * 1_000));
        scheduleTick(process);
      }
    });
  }

  /**
   * Ends the process: a power loss ({@code powerLoss}: the file system crashes as the Random
   * decides) or a kill (the files keep every write the process made).
   */
  void stop(boolean powerLoss) {
    trace.record(clock.now(), name, "stop", powerLoss ? "power loss" : "killed");
    core = null;
    incarnation++;
    for (VolumeStorage storage : storages.values()) {
      try {
        storage.close();
      } catch (IOException e) {
        // a handle that did not survive; nothing to keep
      }
    }
    storages.clear();
    if (powerLoss) {
      fileSystem.crash(random);
    }
  }

  // ---------------------------------------------------------------- events and effects

  /** Hands one event to the core, checks, and dispatches the effects. Never re-entered. */
  @Override
  public void handle(Event event) {
    if (handling) {
      throw new IllegalStateException(name + ": an event was handed to the core while it handled another: " + event);
    }
    trace.record(clock.now(), name, "<-", event);
    handling = true;
    List<Effect> effects;
    try {
      effects = core().handle(event);
    } finally {
      handling = false;
    }
    afterEvent(effects);
  }

  private void afterEvent(List<Effect> effects) {
    handling = true;
    try {
      edge.afterEvent(this);
      for (Effect effect : effects) {
        trace.record(clock.now(), name, "->", effect);
        dispatch(effect);
      }
    } finally {
      handling = false;
    }
  }

  private void dispatch(Effect effect) {
    if (effect instanceof Effect.RequestCompleted completed) {
      edge.completed(this, completed);
    } else if (effect instanceof Effect.SendToPeer send) {
      edge.send(this, send);
    } else if (effect instanceof Effect.HoldPeer hold) {
      edge.hold(this, hold);
    } else if (effect instanceof Effect.Notice) {
      return; // the trace has it
    } else {
      int volume = effect instanceof Effect.DataIo io ? io.volume() : ((Effect.MetadataIo) effect).volume();
      VolumeStorage storage = storages.get(volume);
      if (storage == null) {
        throw new AssertionError(name + ": I/O on volume " + volume + ", which has no disk here: " + effect);
      }
      int issuedBy = incarnation;
      clock.after(diskLatency(), () -> {
        if (incarnation == issuedBy) {
          handle(storage.perform(effect));
        }
      });
    }
  }

  /** Mostly tens to hundreds of microseconds; one I/O in ten may take up to 20 ms. */
  private long diskLatency() {
    return 20 + random.nextInt(random.nextInt(10) == 0 ? 20_000 : 500);
  }

  // ---------------------------------------------------------------- checks

  /** The whole volume as its data file holds it now (no I/O errors injected). */
  byte[] readVolume(int volume) {
    VolumeStorage storage = storages.get(volume);
    long size = volumes.stream().filter(v -> v.number() == volume).findFirst().orElseThrow().sizeBytes();
    boolean faultsWere = faults;
    faults = false;
    try {
      Event.IoCompleted read = storage.perform(new Effect.DataIo(-1, volume, DataOperation.READ, 0,
          Math.toIntExact(size), null, Durability.CACHED));
      if (read.outcome() != IoOutcome.OK) {
        throw new AssertionError(name + ": reading volume " + volume + " back failed: " + read.detail());
      }
      ByteBuffer data = read.data();
      boolean whole = data.hasArray() && data.arrayOffset() == 0 && data.position() == 0
          && data.remaining() == data.array().length;
      if (whole) {
        return data.array();
      }
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      return bytes;
    } finally {
      faults = faultsWere;
    }
  }

  /** The bitmap slot of {@code peer} in {@code volume}'s metadata, or -1. */
  int slotOf(int volume, int peer) {
    return slots.getOrDefault(volume, Map.of()).getOrDefault(peer, -1);
  }

  @Override
  public String toString() {
    return name;
  }
}
