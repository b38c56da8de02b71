package io.tandem.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.systemtest.EngineConfigFile.Provisioning;
import io.tandem.systemtest.EngineConfigFile.Volume;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * kill -9 in the middle of a write stream loses no acknowledged-and-flushed write
 * (REPLICATION.md "Writes, reads, flushes": FLUSH and FUA are the durability points).
 *
 * <p>A client of our own pipelines 4–64 KiB writes at random places of a volume larger than the
 * activity log covers (so extents keep entering and leaving it), some with FUA, and a FLUSH every
 * few dozen writes. It records which writes the node acknowledged before it sent a FLUSH that was
 * acknowledged in turn, and which FUA writes were acknowledged: those are durable. After a seeded
 * random number of acknowledged writes the runner gets SIGKILL; restarted from the same config, it
 * must come up UpToDate with a sane activity log, and every 4 KiB block must hold either its last
 * durable write or a write sent to it later (never older data, never a mix). Every block carries
 * the id of the write that put it there, so the check is exact. The config names a second node that
 * never starts, so the bitmap for it must cover every block that holds data, crash or not.
 *
 * <p>The seed is printed; {@code -Dseed=N} replays its choices (the kill still lands wherever the
 * process happens to be, so a replay repeats the workload, not the exact interleaving).
 */
class EngineRunnerCrashSystemTest extends EngineRunnerTest {
    private static final int BLOCK = 4096;
    private static final long VOLUME_KIB = 512 * 1024; // 128 extents of 4 MiB
    private static final int ACTIVITY_LOG_EXTENTS = 67; // the smallest the runner accepts
    private static final int ROUNDS = 4;
    private static final int MAX_IN_FLIGHT = 32;
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

    private EngineConfigFile config;
    private Path configFile;

    @BeforeEach
    void prepare() {
        // bravo is never started: a peer that never connects, so every write stays out of sync for it
        config = EngineConfigFile.nodes(2, "res", "off", new Volume(0, VOLUME_KIB, Provisioning.THIN))
                .withActivityLogExtents(ACTIVITY_LOG_EXTENTS);
        configFile = config.writeTo(folder);
    }

    @Test
    void everyWriteAcknowledgedBeforeAnAcknowledgedFlushSurvivesKillNine() throws Exception {
        String property = System.getProperty("seed");
        long seed = property == null ? new Random().nextLong() : Long.parseLong(property);
        System.out.println("EngineRunnerCrashSystemTest seed " + seed + " (replay with -Dseed=" + seed + ")");
        Random random = new Random(seed);
        EngineConfigFile.Node node = config.node("alpha");
        EngineAdmin admin = new EngineAdmin(node.admin());
        VolumeModel model = new VolumeModel(VOLUME_KIB * 1024 / BLOCK);

        EngineProcesses.Started runner = processes.startReady(configFile, node);
        for (int round = 1; round <= ROUNDS; round++) {
            long killAfter = 200 + random.nextInt(2500);
            Writer writer = new Writer(address(node.nbd()), model, new Random(random.nextLong()));
            Thread thread = new Thread(writer, "writer-" + round);
            thread.setDaemon(true);
            thread.start();
            Awaitility.await("round " + round + ": " + killAfter + " writes acknowledged (seed " + seed + ")")
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> {
                        assertThat(writer.failure.get()).as("writer, seed %d", seed).isNull();
                        return writer.acknowledged.get() >= killAfter;
                    });
            JsonNode busy = admin.volume(0);
            EngineProcesses.kill(runner);
            thread.join(CLIENT_TIMEOUT.toMillis());
            assertThat(thread.isAlive()).isFalse();
            assertThat(writer.failure.get()).as("the writer stops because the connection broke")
                    .isInstanceOf(IOException.class);
            assertThat(writer.sent.get()).as("requests in flight at the kill")
                    .isGreaterThan(writer.acknowledged.get() + writer.flushesAcknowledged.get());
            System.out.printf("round %d: killed after %d acknowledged writes (%d sent, %d flushes acknowledged),"
                    + " %d hot extents before%n", round, writer.acknowledged.get(), writer.sent.get(),
                    writer.flushesAcknowledged.get(), busy.get("al_hot_extents").asInt());
            assertThat(busy.get("al_hot_extents").asInt()).isBetween(1, ACTIVITY_LOG_EXTENTS);

            runner = processes.startReady(configFile, node);

            JsonNode status = admin.status();
            assertThat(status.get("role").asText()).isEqualTo("Secondary");
            JsonNode volume = admin.volume(0);
            assertThat(volume.get("disk_state").asText()).as("round %d, seed %d", round, seed).isEqualTo("UpToDate");
            assertThat(volume.get("al_hot_extents").asInt()).as("hot extents after the restart")
                    .isBetween(0, ACTIVITY_LOG_EXTENTS);
            System.out.printf("round %d: restarted %s with %d hot extents%n", round,
                    volume.get("disk_state").asText(), volume.get("al_hot_extents").asInt());
            model.verifyDataFile(config.dataFile(folder, node, 0), "round " + round + ", seed " + seed);
            long written = model.verifyThroughNbd(address(node.nbd()), "round " + round + ", seed " + seed);
            // REPLICATION.md "On disk": the bitmap is a superset of the real difference, across crashes too
            // (extents still in the activity log are marked; those that left it had their bitmap pages written)
            long outOfSyncKib = status.get("peers").get(0).get("volumes").get(0).get("out_of_sync_kib").asLong();
            System.out.printf("round %d: %d blocks hold data, %d KiB out of sync for the peer%n", round, written,
                    outOfSyncKib);
            assertThat(outOfSyncKib).as("round %d, seed %d: KiB out of sync for bravo, which has none of the %d"
                    + " written blocks", round, seed, written).isBetween(written * BLOCK / 1024, VOLUME_KIB);
            // the client of the verification has left: the node is Secondary again
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(
                    () -> assertThat(admin.role()).isEqualTo("Secondary"));
        }
    }

    private static InetSocketAddress address(InetSocketAddress unresolved) {
        return new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
    }

    /**
     * What each 4 KiB block may hold. Write ids grow with every write sent; a block is never written
     * by two writes in flight at once, so its writes are ordered by id.
     */
    static final class VolumeModel {
        private final long blocks;
        /** The newest durable write of each block (0: zeros); a block may also hold any later write to it. */
        private final long[] durable;
        /** Every write sent: id → [first block, block count]. */
        private final Map<Long, long[]> writes = new HashMap<>();
        private final BitSet touched = new BitSet();
        private long nextWriteId = 1;
        /** The first write id of the current round: a block holding an older write must hold its durable one. */
        private long roundStart = 1;

        VolumeModel(long blocks) {
            this.blocks = blocks;
            this.durable = new long[(int) blocks];
        }

        synchronized long newWrite(long firstBlock, int count) {
            long id = nextWriteId++;
            writes.put(id, new long[] {firstBlock, count});
            touched.set((int) firstBlock, (int) firstBlock + count);
            return id;
        }

        /** The write is durable: its blocks hold it or something newer. */
        synchronized void durable(long writeId) {
            long[] range = writes.get(writeId);
            for (long block = range[0]; block < range[0] + range[1]; block++) {
                durable[(int) block] = Math.max(durable[(int) block], writeId);
            }
        }

        /** Checks one block's contents; returns the write id found (0 for zeros). */
        synchronized long check(long block, byte[] contents, int offset, String where) {
            long found = ByteBuffer.wrap(contents, offset, BLOCK).getLong();
            if (found == 0) {
                for (int i = offset; i < offset + BLOCK; i++) {
                    if (contents[i] != 0) {
                        throw new AssertionError(where + ": block " + block + " is neither zeros nor a write");
                    }
                }
            } else {
                ByteBuffer expected = ByteBuffer.wrap(blockContents(found, block));
                if (!expected.equals(ByteBuffer.wrap(contents, offset, BLOCK))) {
                    throw new AssertionError(where + ": block " + block + " is garbled (starts like write " + found
                            + ")");
                }
                long[] range = writes.get(found);
                if (range == null || block < range[0] || block >= range[0] + range[1]) {
                    throw new AssertionError(where + ": block " + block + " holds write " + found
                            + ", which never went there");
                }
            }
            long mustHave = durable[(int) block];
            if (found < mustHave) {
                throw new AssertionError(where + ": block " + block + " lost durable write " + mustHave + " (holds "
                        + (found == 0 ? "zeros" : "older write " + found) + ")");
            }
            if (found != mustHave && found < roundStart) {
                throw new AssertionError(where + ": block " + block + " holds write " + found + " of an earlier round,"
                        + " which it did not hold after that round (expected " + mustHave + " or newer)");
            }
            return found;
        }

        /** After a verified restart: what each block holds now is its durable state. */
        private synchronized void settle(long block, long found) {
            durable[(int) block] = found;
        }

        void verifyDataFile(Path dataFile, String where) throws IOException {
            try (FileChannel channel = FileChannel.open(dataFile)) {
                assertThat(channel.size()).isEqualTo(blocks * BLOCK);
                ByteBuffer buffer = ByteBuffer.allocate(BLOCK);
                for (int block = touched.nextSetBit(0); block >= 0; block = touched.nextSetBit(block + 1)) {
                    buffer.clear();
                    long at = (long) block * BLOCK;
                    while (buffer.hasRemaining() && channel.read(buffer, at + buffer.position()) > 0) {
                        // read on
                    }
                    check(block, buffer.array(), 0, where + ", data file");
                }
            }
        }

        /**
         * Reads every touched block back through the restarted node (pipelined) and settles the model;
         * returns how many blocks hold a write (not zeros).
         */
        long verifyThroughNbd(InetSocketAddress nbd, String where) throws IOException {
            int verified = 0;
            long holdingData = 0;
            try (NbdClient client = NbdClient.attach(nbd, "res/0", CLIENT_TIMEOUT)) {
                int next = touched.nextSetBit(0);
                int inFlight = 0;
                while (next >= 0 || inFlight > 0) {
                    while (next >= 0 && inFlight < MAX_IN_FLIGHT) {
                        client.send(NbdClient.COMMAND_READ, (short) 0, next, (long) next * BLOCK, BLOCK, null);
                        inFlight++;
                        next = touched.nextSetBit(next + 1);
                    }
                    NbdClient.Reply reply = client.readReply(cookie -> BLOCK);
                    inFlight--;
                    assertThat(reply.error()).as("%s: READ of block %d", where, reply.cookie()).isZero();
                    long found = check(reply.cookie(), reply.data(), 0, where + ", through NBD");
                    settle(reply.cookie(), found);
                    verified++;
                    holdingData += found == 0 ? 0 : 1;
                }
                client.disconnect();
            }
            assertThat(verified).isEqualTo(touched.cardinality());
            synchronized (this) {
                roundStart = nextWriteId;
            }
            return holdingData;
        }

        /** 4 KiB that name the write and the block, then bytes that follow from both. */
        static byte[] blockContents(long writeId, long block) {
            ByteBuffer contents = ByteBuffer.allocate(BLOCK);
            contents.putLong(writeId).putLong(block);
            long state = writeId * 0x9E3779B97F4A7C15L ^ block;
            while (contents.hasRemaining()) {
                state = state * 6364136223846793005L + 1442695040888963407L;
                contents.putLong(state);
            }
            return contents.array();
        }
    }

    /**
     * Writes until the connection breaks, keeping up to {@link #MAX_IN_FLIGHT} requests in flight.
     * A FLUSH makes durable exactly the writes whose replies arrived before it was sent.
     */
    static final class Writer implements Runnable {
        private record Pending(long writeId, boolean fua, List<Long> flushedWrites) {}

        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong flushesAcknowledged = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final InetSocketAddress nbd;
        private final VolumeModel model;
        private final Random random;
        private final BitSet blocksInFlight = new BitSet();
        private final Map<Long, Pending> pending = new HashMap<>();
        private final Map<Long, long[]> ranges = new HashMap<>();
        private List<Long> completedSinceFlush = new ArrayList<>();
        private long nextCookie = 1;

        Writer(InetSocketAddress nbd, VolumeModel model, Random random) {
            this.nbd = nbd;
            this.model = model;
            this.random = random;
        }

        @Override
        public void run() {
            try (NbdClient client = NbdClient.attach(nbd, "res/0", CLIENT_TIMEOUT)) {
                int untilFlush = 8 + random.nextInt(48);
                while (true) {
                    while (pending.size() < MAX_IN_FLIGHT) {
                        if (untilFlush-- == 0) {
                            untilFlush = 8 + random.nextInt(48);
                            long cookie = nextCookie++;
                            pending.put(cookie, new Pending(0, false, completedSinceFlush));
                            completedSinceFlush = new ArrayList<>();
                            client.send(NbdClient.COMMAND_FLUSH, (short) 0, cookie, 0, 0, null);
                        } else {
                            sendWrite(client);
                        }
                        sent.incrementAndGet();
                    }
                    receive(client.readReply(cookie -> 0));
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }

        private void sendWrite(NbdClient client) throws IOException {
            int count = 1 + random.nextInt(16);
            long first;
            do {
                first = (long) (random.nextDouble() * (model.blocks - count));
            } while (blocksInFlight.get((int) first, (int) first + count).cardinality() > 0);
            boolean fua = random.nextInt(10) == 0;
            long writeId = model.newWrite(first, count);
            byte[] payload = new byte[count * BLOCK];
            for (int i = 0; i < count; i++) {
                System.arraycopy(VolumeModel.blockContents(writeId, first + i), 0, payload, i * BLOCK, BLOCK);
            }
            long cookie = nextCookie++;
            pending.put(cookie, new Pending(writeId, fua, null));
            ranges.put(cookie, new long[] {first, count});
            blocksInFlight.set((int) first, (int) first + count);
            client.send(NbdClient.COMMAND_WRITE, fua ? NbdClient.FLAG_FUA : 0, cookie, first * BLOCK, payload.length,
                    payload);
        }

        private void receive(NbdClient.Reply reply) {
            Pending done = pending.remove(reply.cookie());
            if (done == null) {
                throw new AssertionError("reply to unknown cookie " + reply.cookie());
            }
            if (reply.error() != 0) {
                throw new AssertionError((done.flushedWrites() != null ? "FLUSH" : "WRITE " + done.writeId())
                        + " failed with NBD error " + reply.error());
            }
            if (done.flushedWrites() != null) {
                done.flushedWrites().forEach(model::durable);
                flushesAcknowledged.incrementAndGet();
                return;
            }
            long[] range = ranges.remove(reply.cookie());
            blocksInFlight.clear((int) range[0], (int) (range[0] + range[1]));
            if (done.fua()) {
                model.durable(done.writeId());
            }
            completedSinceFlush.add(done.writeId());
            acknowledged.incrementAndGet();
        }
    }
}
