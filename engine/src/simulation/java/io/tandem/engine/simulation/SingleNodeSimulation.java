package io.tandem.engine.simulation;

import io.tandem.engine.bitmap.Bitmap;
import io.tandem.engine.core.DataOperation;
import io.tandem.engine.core.DiskState;
import io.tandem.engine.core.Durability;
import io.tandem.engine.core.Effect;
import io.tandem.engine.core.Event;
import io.tandem.engine.core.IoOutcome;
import io.tandem.engine.core.IoStatus;
import io.tandem.engine.core.Peer;
import io.tandem.engine.core.Provisioning;
import io.tandem.engine.core.ReplicaCore;
import io.tandem.engine.core.ReplicaSettings;
import io.tandem.engine.core.RequestFlag;
import io.tandem.engine.core.RequestKind;
import io.tandem.engine.core.Role;
import io.tandem.engine.core.VolumeSetup;
import io.tandem.engine.metadata.MetadataLayout;
import io.tandem.engine.storage.MemoryFileSystem;
import io.tandem.engine.volume.VolumeFileNames;
import io.tandem.engine.volume.VolumeStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;

/**
 * One node of a resource with one volume, driven in a single thread by one seed (STYLE.md "engine
 * testing", after TigerBeetle's VOPR): a virtual clock, a disk with random latency and I/O errors
 * over the crashable {@link MemoryFileSystem}, a random client workload (reads, writes, FUA
 * writes, flushes, trims, write-zeroes, many in flight, attach and detach), and crashes that keep
 * synced data and keep, drop or tear each unsynced write.
 *
 * <p>Checked after every event: the core's invariants; every read returns the last write completed
 * before it or one overlapping it. After every crash: the files reopen; every sector holds its
 * newest durable write or a later one; the activity log names every extent with a write not yet
 * made durable; every block ever written is out of sync for every (never connected) peer. And no
 * write completes in the generation the node had when it was promoted with its peers away. Any
 * failure names the seed, and {@code -Dseed=N} replays it exactly.
 */
final class SingleNodeSimulation {

  private final long seed;
  private final Random random;
  private final MemoryFileSystem fileSystem = new MemoryFileSystem();
  private final VolumeFileNames names = VolumeFileNames.in("/pool", "sim", 0);
  private final long sizeBytes;
  private final int capacity;
  private final List<Peer> peers = new ArrayList<>();
  private final SectorModel model = new SectorModel();
  /** Blocks ever written (for the peer bitmap check). */
  private final java.util.BitSet writtenBlocks = new java.util.BitSet();
  private final SimulationClock clock = new SimulationClock();
  private final Map<Long, ClientOp> clientOps = new HashMap<>();
  /** Performed data writes whose extents the log must name until a data sync covers them. */
  private final List<long[]> unsyncedWrites = new ArrayList<>();
  private final int errorPerMille;

  private VolumeStorage storage;
  private ReplicaCore core;
  private long nextRequestId = 1;
  private long nextWriteId = 1;
  private boolean writerAttached;
  private boolean attachInFlight;
  private int inFlight;
  private final int queueDepth;
  private final int steps;
  private int crashes;
  private int completedWrites;
  private Role lastRole = Role.Secondary;
  /** The generation the node had when it last became Primary; its first write must leave it. */
  private long generationAtPromotion;

  private record ClientOp(RequestKind kind, long offset, int length, long issuedAt, List<SectorModel.Version> versions,
      boolean fua) {}

  SingleNodeSimulation(long seed) {
    this.seed = seed;
    this.random = new Random(seed);
    this.sizeBytes = (2L + random.nextInt(5)) * MetadataLayout.EXTENT_BYTES;
    this.capacity = 2 + random.nextInt(3);
    int peerCount = random.nextInt(3);
    for (int i = 0; i < peerCount; i++) {
      peers.add(new Peer("peer" + i, i + 1));
    }
    this.queueDepth = 1 + random.nextInt(16);
    this.steps = 200 + random.nextInt(400);
    this.errorPerMille = random.nextInt(4) == 0 ? 1 + random.nextInt(5) : 0;
  }

  /** Runs the whole scenario; throws AssertionError (naming the seed) on the first violation. */
  void run() {
    try {
      boot();
      for (int step = 0; step < steps; step++) {
        int dice = random.nextInt(1000);
        boolean failed = core.status().volumes().get(0).diskState() == DiskState.Failed;
        if (dice < 4 || (failed && dice < 50)) {
          crashAndRecover();
        } else if (dice < 10 && writerAttached && inFlight == 0) {
          detachWriter();
        } else if (!writerAttached && !attachInFlight) {
          attachWriter();
        } else if (inFlight < queueDepth && writerAttached && dice < 700) {
          issueClientRequest();
        }
        advanceClock();
      }
      crashAndRecover();
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("simulation seed " + seed + " failed (replay with -Dseed=" + seed + "): "
          + e.getMessage(), e);
    }
  }

  int crashes() {
    return crashes;
  }

  int completedWrites() {
    return completedWrites;
  }

  // ---------------------------------------------------------------- lifecycle

  private void boot() {
    try {
      storage = VolumeStorage.openOrCreate(fileSystem, names, new VolumeStorage.Creation(sizeBytes, 0, peers,
          random.nextBoolean() ? Provisioning.THIN : Provisioning.THICK, random.nextLong()));
    } catch (IOException e) {
      throw new AssertionError("open failed: " + e.getMessage(), e);
    }
    core = new ReplicaCore(new ReplicaSettings("sim", "node0", 0, peers, capacity),
        List.of(VolumeSetup.diskful(0, Provisioning.THIN, storage.image())), random::nextLong);
    writerAttached = false;
    attachInFlight = false;
    inFlight = 0;
    lastRole = Role.Secondary;
    perform(core.start());
    clock.runUntil(() -> core.status().volumes().get(0).diskState() != DiskState.Attaching, 100_000);
    DiskState state = core.status().volumes().get(0).diskState();
    if (state != DiskState.UpToDate && state != DiskState.Failed) {
      throw new AssertionError("after attach the disk is " + state);
    }
  }

  private void crashAndRecover() {
    crashes++;
    SortedSet<Long> mustBeLogged = new java.util.TreeSet<>();
    for (long[] write : unsyncedWrites) {
      for (long extent = write[0] / MetadataLayout.EXTENT_BYTES; extent <= (write[1] - 1) / MetadataLayout.EXTENT_BYTES;
          extent++) {
        mustBeLogged.add(extent);
      }
    }
    clock.clear();
    clientOps.clear();
    unsyncedWrites.clear();
    fileSystem.crash(random);
    boot();
    SortedSet<Long> replayed = storage.image().replayedExtents();
    if (!replayed.containsAll(mustBeLogged)) {
      throw new AssertionError("the activity log lost extents with unsynced writes: log " + replayed + ", needed "
          + mustBeLogged);
    }
    checkEverySector();
    checkPeerBitmaps();
  }

  private void checkEverySector() {
    Event.IoCompleted read = storage.perform(new Effect.DataIo(-1, 0, DataOperation.READ, 0, (int) sizeBytes, null,
        Durability.CACHED));
    if (read.outcome() != IoOutcome.OK) {
      throw new AssertionError("reading the volume back failed: " + read.detail());
    }
    ByteBuffer all = read.data();
    byte[] bytes = all.array();
    model.crashed();
    for (long sector = 0; sector < sizeBytes / SectorModel.SECTOR; sector++) {
      int at = (int) (sector * SectorModel.SECTOR);
      if (!model.touched(sector)) {
        if (!SectorModel.isZero(bytes, at)) {
          throw new AssertionError("sector " + sector + " was never written but is not zero");
        }
        continue;
      }
      long id = SectorModel.decode(all, at, sector);
      model.checkAfterCrash(sector, id, seed);
    }
  }

  private void checkPeerBitmaps() {
    if (core.status().volumes().get(0).diskState() != DiskState.UpToDate) {
      return;
    }
    Bitmap bitmap = core.bitmapForChecks(0);
    for (Peer peer : peers) {
      int slot = peer.nodeId() - 1;
      for (int block = writtenBlocks.nextSetBit(0); block >= 0; block = writtenBlocks.nextSetBit(block + 1)) {
        if (!bitmap.get(slot, block)) {
          throw new AssertionError("block " + block + " was written but is in sync for " + peer.name()
              + ", which never received it");
        }
      }
    }
  }

  private void attachWriter() {
    long requestId = nextRequestId++;
    attachInFlight = true;
    clientOps.put(requestId, null);
    handle(new Event.ClientAttach(requestId, Event.Access.READ_WRITE));
  }

  private void detachWriter() {
    writerAttached = false;
    handle(new Event.ClientDetach(Event.Access.READ_WRITE));
  }

  // ---------------------------------------------------------------- workload

  private void issueClientRequest() {
    int dice = random.nextInt(100);
    RequestKind kind = dice < 45 ? RequestKind.WRITE : dice < 75 ? RequestKind.READ : dice < 85 ? RequestKind.FLUSH
        : dice < 93 ? RequestKind.TRIM : RequestKind.WRITE_ZEROES;
    long sectors = sizeBytes / SectorModel.SECTOR;
    int lengthSectors = 1 + (random.nextInt(4) == 0 ? random.nextInt(256) : random.nextInt(16));
    long first = random.nextInt((int) (sectors - lengthSectors));
    if (random.nextInt(5) == 0) {
      // near an extent boundary, so requests span two extents
      long boundary = (1 + random.nextInt((int) (sizeBytes / MetadataLayout.EXTENT_BYTES) - 1))
          * (MetadataLayout.EXTENT_BYTES / SectorModel.SECTOR);
      first = Math.max(0, boundary - lengthSectors / 2);
    }
    long offset = first * SectorModel.SECTOR;
    int length = lengthSectors * SectorModel.SECTOR;
    Set<RequestFlag> flags = EnumSet.noneOf(RequestFlag.class);
    if (kind.modifies() && random.nextInt(6) == 0) {
      flags.add(RequestFlag.FUA);
    }
    if (kind == RequestKind.WRITE_ZEROES && random.nextBoolean()) {
      flags.add(RequestFlag.NO_HOLE);
    }
    long requestId = nextRequestId++;
    ByteBuffer payload = null;
    List<SectorModel.Version> versions = List.of();
    if (kind == RequestKind.WRITE) {
      long writeId = nextWriteId++;
      payload = SectorModel.content(writeId, offset, length);
      versions = model.issue(writeId, offset, length, clock.now());
    } else if (kind.modifies()) {
      versions = model.issue(0, offset, length, clock.now());
    }
    if (kind == RequestKind.FLUSH) {
      offset = 0;
      length = 0;
    }
    clientOps.put(requestId, new ClientOp(kind, offset, length, clock.now(), versions,
        flags.contains(RequestFlag.FUA)));
    inFlight++;
    handle(new Event.ClientRequest(requestId, 0, kind, offset, length, flags, payload));
  }

  private void onCompleted(Effect.RequestCompleted completed) {
    if (!clientOps.containsKey(completed.requestId())) {
      return; // from before a crash
    }
    ClientOp op = clientOps.remove(completed.requestId());
    if (op == null) {
      attachInFlight = false;
      writerAttached = completed.status() == IoStatus.OK;
      if (!writerAttached && core.status().volumes().get(0).diskState() == DiskState.UpToDate) {
        throw new AssertionError("auto-promotion of an UpToDate node was refused: " + completed.message());
      }
      return;
    }
    inFlight--;
    boolean ok = completed.status() == IoStatus.OK;
    if (!ok && completed.status() != IoStatus.IO_ERROR) {
      throw new AssertionError(op.kind() + " " + op.offset() + "+" + op.length() + " ended " + completed.status() + ": "
          + completed.message());
    }
    for (SectorModel.Version version : op.versions()) {
      if (ok) {
        model.completed(version, clock.now(), op.fua());
      } else {
        version.failed = true;
      }
    }
    if (ok && op.kind().modifies()) {
      completedWrites++;
      long generation = core.status().volumes().get(0).currentUuid();
      if (!peers.isEmpty() && generation == generationAtPromotion) {
        throw new AssertionError("a write completed in generation " + Long.toHexString(generation)
            + ", the one the node had when it was promoted with its peers away");
      }
    }
    if (ok && op.kind() == RequestKind.FLUSH) {
      model.flushed(op.issuedAt());
    }
    if (ok && op.kind() == RequestKind.READ) {
      ByteBuffer data = completed.data();
      for (int at = 0; at < op.length(); at += SectorModel.SECTOR) {
        long sector = (op.offset() + at) / SectorModel.SECTOR;
        model.checkRead(sector, SectorModel.decode(data, at, sector), op.issuedAt(), clock.now(), seed);
      }
    }
  }

  // ---------------------------------------------------------------- the disk and the clock

  private void handle(Event event) {
    perform(core.handle(event));
  }

  private void perform(List<Effect> effects) {
    core.checkInvariants();
    Role role = core.role();
    if (role == Role.Primary && lastRole == Role.Secondary) {
      generationAtPromotion = core.status().volumes().get(0).currentUuid();
    }
    lastRole = role;
    for (Effect effect : effects) {
      if (effect instanceof Effect.RequestCompleted completed) {
        onCompleted(completed);
      } else if (!(effect instanceof Effect.Notice)) {
        long latency = 5 + random.nextInt(random.nextInt(10) == 0 ? 2000 : 100);
        clock.after(latency, () -> completeIo(effect));
      }
    }
  }

  private void completeIo(Effect effect) {
    Event.IoCompleted completed;
    if (errorPerMille > 0 && random.nextInt(1000) < errorPerMille) {
      completed = new Event.IoCompleted(ioId(effect), IoOutcome.ERROR, null, "injected I/O error");
    } else {
      completed = storage.perform(effect);
      noteDurability(effect);
    }
    handle(completed);
  }

  private void noteDurability(Effect effect) {
    if (effect instanceof Effect.DataIo io) {
      boolean syncs = io.operation() == DataOperation.SYNC || io.durability() == Durability.FORCED;
      if (syncs) {
        unsyncedWrites.clear();
      } else if (io.operation() != DataOperation.READ) {
        unsyncedWrites.add(new long[] {io.offset(), io.offset() + io.length()});
        writtenBlocks.set((int) (io.offset() / 4096), (int) ((io.offset() + io.length() - 1) / 4096) + 1);
      }
    } else if (effect instanceof Effect.MetadataIo io && io.dataSync() == Effect.DataSync.FIRST) {
      unsyncedWrites.clear();
    }
  }

  private static long ioId(Effect effect) {
    return effect instanceof Effect.DataIo io ? io.ioId() : ((Effect.MetadataIo) effect).ioId();
  }

  /** Moves the clock by a random step, running everything due on the way. */
  private void advanceClock() {
    clock.advanceTo(clock.now() + 1 + random.nextInt(50));
  }

  /** For the record in a failure message. */
  @Override
  public String toString() {
    return "seed " + seed + ": volume " + sizeBytes + " bytes, capacity " + capacity + ", " + peers.size()
        + " peers, queue depth " + queueDepth + ", " + steps + " steps, error rate " + errorPerMille + "‰"
        + (core == null ? "" : ", role " + (core.role() == Role.Primary ? "Primary" : "Secondary"));
  }
}
