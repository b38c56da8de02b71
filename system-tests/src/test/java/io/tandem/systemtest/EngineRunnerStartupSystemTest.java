package io.tandem.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.systemtest.EngineConfigFile.Provisioning;
import io.tandem.systemtest.EngineConfigFile.Volume;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runner refuses to start, with the documented exit code and a message saying what is wrong
 * and where: exit 3 for damaged metadata (REPLICATION.md "On disk": a corrupt activity log in the
 * middle refuses attach with a clear error), exit 2 for a config it cannot use.
 */
class EngineRunnerStartupSystemTest extends EngineRunnerTest {
    private static final int EXIT_CONFIG = 2;
    private static final int EXIT_STORAGE = 3;
    private static final int BLOCK = 4096;
    /** Metadata layout (engine/.../metadata/package-info.java): two superblock copies, then the ring. */
    private static final long ACTIVITY_LOG_OFFSET = 2 * BLOCK;
    private static final int SUPERBLOCK_RING_BLOCKS_OFFSET = 48;
    private static final int TRANSACTION_MAGIC = 0x54414c54; // "TALT"
    private static final int TRANSACTION_SEQUENCE_OFFSET = 8;

    private EngineConfigFile config;
    private Path configFile;

    @BeforeEach
    void prepare() {
        config = EngineConfigFile.oneNode("res", new Volume(0, 64 * 1024, Provisioning.THIN));
        configFile = config.writeTo(folder);
    }

    private Path metadataFile() {
        return config.metadataFile(folder, config.onlyNode(), 0);
    }

    /** Starts the runner, writes one 4 KiB block into each of these 4 MiB extents (a FLUSH after each), stops it. */
    private void runAndWriteExtents(int... extents) throws Exception {
        EngineConfigFile.Node node = config.onlyNode();
        EngineProcesses.Started runner = processes.startReady(configFile, node);
        InetSocketAddress nbd = new InetSocketAddress(node.nbd().getHostString(), node.nbd().getPort());
        try (NbdClient client = NbdClient.attach(nbd, "res/0", Duration.ofSeconds(10))) {
            byte[] block = new byte[BLOCK];
            Arrays.fill(block, (byte) 0x3c);
            long cookie = 1;
            for (int extent : extents) {
                client.send(NbdClient.COMMAND_WRITE, (short) 0, cookie, (long) extent << 22, BLOCK, block);
                assertThat(client.readReply(c -> 0).error()).isZero();
                client.send(NbdClient.COMMAND_FLUSH, (short) 0, cookie + 1, 0, 0, null);
                assertThat(client.readReply(c -> 0).error()).isZero();
                cookie += 2;
            }
            client.disconnect();
        }
        EngineProcesses.stop(runner);
    }

    @Test
    void bothSuperblockCopiesDamagedRefusesToStartNamingTheFile() throws Exception {
        runAndWriteExtents(0, 3);
        // byte 100 lies in the history UUIDs, which the CRC32C at the end of each copy covers
        flipByte(metadataFile(), 100);
        flipByte(metadataFile(), BLOCK + 100);

        EngineProcesses.Finished refused = processes.runToExit(configFile, "alpha");

        assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(EXIT_STORAGE);
        assertThat(refused.stderr()).contains(metadataFile().toString(), "no intact superblock", "checksum mismatch");
        assertThat(refused.stdout()).as("never said it was ready").doesNotContain("ready");
    }

    @Test
    void anActivityLogCorruptedBeforeItsLastTransactionRefusesToStart() throws Exception {
        runAndWriteExtents(0, 3, 6, 9, 12);
        Path metadata = metadataFile();
        int ringBlocks = readInt(metadata, SUPERBLOCK_RING_BLOCKS_OFFSET);
        long last = 0;
        for (int block = 0; block < ringBlocks; block++) {
            long at = ACTIVITY_LOG_OFFSET + (long) block * BLOCK;
            if (readInt(metadata, at) == TRANSACTION_MAGIC) {
                last = Math.max(last, readLong(metadata, at + TRANSACTION_SEQUENCE_OFFSET));
            }
        }
        assertThat(last).as("activity-log transactions written").isGreaterThanOrEqualTo(2);
        // Not the newest transaction (a torn newest one is tolerated) and not its successor's block (ignored
        // whatever it holds): the one before the newest, which replay must find intact.
        long corrupted = ACTIVITY_LOG_OFFSET + ((last - 1) % ringBlocks) * BLOCK + 2000;
        byte[] original = Files.readAllBytes(metadata);
        flipByte(metadata, corrupted);

        EngineProcesses.Finished refused = processes.runToExit(configFile, "alpha");

        assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(EXIT_STORAGE);
        assertThat(refused.stderr()).contains(metadata.toString(), "activity log corrupted",
                "block " + (last - 1) % ringBlocks, "checksum mismatch");

        // the refusal changed nothing: with the byte restored the node starts again
        assertThat(Files.readAllBytes(metadata)).hasSameSizeAs(original);
        flipByte(metadata, corrupted);
        assertThat(Files.readAllBytes(metadata)).isEqualTo(original);
        processes.startReady(configFile, config.onlyNode());
        assertThat(new EngineAdmin(config.onlyNode().admin()).volume(0).get("disk_state").asText())
                .isEqualTo("UpToDate");
    }

    @Test
    void aConfigThatIsNotJsonExitsWithCode2() throws Exception {
        Path broken = Files.writeString(folder.resolve("broken.json"),
                "{ \"resource\": \"res\",\n  \"volumes\": [ }\n");

        EngineProcesses.Finished refused = processes.runToExit(broken, "alpha");

        assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(EXIT_CONFIG);
        assertThat(refused.stderr()).contains(broken.toString(), "is not valid JSON", "line 2");
    }

    @Test
    void anUnknownNodeExitsWithCode2NamingTheNodesThereAre() throws Exception {
        EngineProcesses.Finished refused = processes.runToExit(configFile, "zulu");

        assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(EXIT_CONFIG);
        assertThat(refused.stderr()).contains(configFile.toString(), "no node named 'zulu'", "[alpha]");
        assertThat(folder.resolve("alpha")).as("nothing created for a refused config").doesNotExist();
    }

    @Test
    void aMissingConfigFileAndABadValueExitWithCode2() throws Exception {
        Path missing = folder.resolve("missing.json");
        EngineProcesses.Finished noFile = processes.runToExit(missing, "alpha");
        assertThat(noFile.exitCode()).as(noFile.stderr()).isEqualTo(EXIT_CONFIG);
        assertThat(noFile.stderr()).contains(missing.toString(), "does not exist");

        Path oddSize = Files.writeString(folder.resolve("odd.json"),
                Files.readString(configFile).replace("\"size_kib\" : 65536", "\"size_kib\" : 65537"));
        EngineProcesses.Finished badValue = processes.runToExit(oddSize, "alpha");
        assertThat(badValue.exitCode()).as(badValue.stderr()).isEqualTo(EXIT_CONFIG);
        assertThat(badValue.stderr()).contains(oddSize.toString(), "volumes[0].size_kib", "not a multiple of 4");
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            assertThat(channel.read(one, offset)).isEqualTo(1);
            one.put(0, (byte) ~one.get(0)).rewind();
            assertThat(channel.write(one, offset)).isEqualTo(1);
        }
    }

    private static int readInt(Path file, long offset) throws IOException {
        return read(file, offset, 4).getInt();
    }

    private static long readLong(Path file, long offset) throws IOException {
        return read(file, offset, 8).getLong();
    }

    private static ByteBuffer read(Path file, long offset, int length) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
                // read on
            }
            return buffer.flip();
        }
    }
}
