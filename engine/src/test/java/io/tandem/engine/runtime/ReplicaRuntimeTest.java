package io.tandem.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.engine.core.DiskState;
import io.tandem.engine.core.Effect;
import io.tandem.engine.core.Event;
import io.tandem.engine.core.IoStatus;
import io.tandem.engine.core.Peer;
import io.tandem.engine.core.Provisioning;
import io.tandem.engine.core.ReplicaSettings;
import io.tandem.engine.core.ReplicaStatus;
import io.tandem.engine.core.RequestKind;
import io.tandem.engine.core.Role;
import io.tandem.engine.core.VolumeSetup;
import io.tandem.engine.storage.ChannelFileSystem;
import io.tandem.engine.volume.VolumeFileNames;
import io.tandem.engine.volume.VolumeStorage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** The threaded edge over real files: many writers at once, every write read back, roles on the way. */
class ReplicaRuntimeTest {

  private static final long SIZE = 64L << 20;

  @TempDir
  Path folder;

  private ReplicaRuntime open(int ioThreads) throws Exception {
    VolumeFileNames names = VolumeFileNames.in(folder.toString(), "r0", 0);
    List<Peer> peers = List.of(new Peer("bravo", 1));
    VolumeStorage storage = VolumeStorage.openOrCreate(new ChannelFileSystem(), names,
        new VolumeStorage.Creation(SIZE, 0, peers, Provisioning.THIN, 7));
    // a small activity log, so the writes below evict and carry extents all the time
    return new ReplicaRuntime(new ReplicaSettings("r0", "alpha", 0, peers, 3),
        List.of(VolumeSetup.diskful(0, Provisioning.THIN, storage.image())), Map.of(0, storage), ioThreads,
        ReplicaRuntime.InvariantChecks.AFTER_EVERY_EVENT);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 4})
  void concurrentWritersReadBackAndSurviveARestart(int ioThreads) throws Exception {
    ReplicaRuntime runtime = open(ioThreads);
    ReplicaStatus attached = runtime.start().get(10, TimeUnit.SECONDS);
    assertThat(attached.volumes().get(0).diskState()).isEqualTo(DiskState.UpToDate);
    assertThat(runtime.request(id -> new Event.ClientAttach(id, Event.Access.READ_WRITE)).get(10, TimeUnit.SECONDS)
        .status()).isEqualTo(IoStatus.OK);
    assertThat(runtime.status().role()).isEqualTo(Role.Primary);

    // four writers, each owning every fourth 64 KiB slot, spread over all 16 extents
    int slots = (int) (SIZE / 65536);
    byte[][] expected = new byte[slots][];
    List<Thread> writers = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    for (int writer = 0; writer < 4; writer++) {
      int first = writer;
      writers.add(new Thread(() -> {
        Random random = new Random(first);
        List<CompletableFuture<Effect.RequestCompleted>> pending = new ArrayList<>();
        for (int slot = first; slot < slots; slot += 4) {
          byte[] data = new byte[65536];
          random.nextBytes(data);
          expected[slot] = data;
          long offset = slot * 65536L;
          pending.add(runtime.request(id -> new Event.ClientRequest(id, 0, RequestKind.WRITE, offset, data.length,
              Set.of(), ByteBuffer.wrap(data))));
        }
        for (CompletableFuture<Effect.RequestCompleted> done : pending) {
          try {
            assertThat(done.get(30, TimeUnit.SECONDS).status()).isEqualTo(IoStatus.OK);
          } catch (Throwable e) {
            synchronized (failures) {
              failures.add(e);
            }
          }
        }
      }));
    }
    writers.forEach(Thread::start);
    for (Thread writer : writers) {
      writer.join();
    }
    assertThat(failures).isEmpty();
    assertThat(runtime.request(id -> new Event.ClientRequest(id, 0, RequestKind.FLUSH, 0, 0, Set.of(), null))
        .get(10, TimeUnit.SECONDS).status()).isEqualTo(IoStatus.OK);
    for (int slot = 0; slot < slots; slot += 7) {
      long offset = slot * 65536L;
      Effect.RequestCompleted read = runtime.request(id -> new Event.ClientRequest(id, 0, RequestKind.READ, offset,
          65536, Set.of(), null)).get(10, TimeUnit.SECONDS);
      assertThat(read.data()).isEqualTo(ByteBuffer.wrap(expected[slot]));
    }
    ReplicaStatus status = runtime.status();
    assertThat(status.volumes().get(0).activityLogHotExtents()).isLessThanOrEqualTo(3);
    assertThat(status.peers().get(0).volumes().get(0).outOfSyncKib()).isEqualTo(SIZE / 1024);

    runtime.tell(new Event.ClientDetach(Event.Access.READ_WRITE));
    org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS)
        .until(() -> runtime.status().role() == Role.Secondary);
    runtime.close();

    ReplicaRuntime reopened = open(ioThreads);
    ReplicaStatus again = reopened.start().get(10, TimeUnit.SECONDS);
    assertThat(again.peers().get(0).volumes().get(0).outOfSyncKib())
        .as("the bitmap was persisted for the peer that missed every write").isEqualTo(SIZE / 1024);
    reopened.close();
    byte[] onDisk = Files.readAllBytes(folder.resolve("r0_00000.img"));
    for (int slot = 0; slot < slots; slot++) {
      assertThat(ByteBuffer.wrap(onDisk, slot * 65536, 65536)).isEqualTo(ByteBuffer.wrap(expected[slot]));
    }
  }
}
