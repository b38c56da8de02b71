package io.tandem.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.systemtest.EngineConfigFile.Provisioning;
import io.tandem.systemtest.EngineConfigFile.Volume;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The standalone runner as a process, used by the NBD clients REPLICATION.md "Roles and access"
 * names: qemu-io and qemu-img (qemu's client), nbdinfo and nbdcopy (libnbd), fio's nbd engine. What
 * a client wrote reads back through the export and is in the data file once flushed; a discard on a
 * thin volume gives the space back. Each test is skipped when its tool is not installed.
 */
class EngineRunnerNbdClientsSystemTest extends EngineRunnerTest {
    private static final long MIB = 1 << 20;
    private static final long VOLUME_KIB = 256 * 1024;

    private EngineConfigFile config;

    private void startRunner(Volume... volumes) {
        config = EngineConfigFile.oneNode("res", volumes);
        Path file = config.writeTo(folder);
        processes.startReady(file, config.onlyNode());
    }

    private void startRunner(Provisioning provisioning) {
        startRunner(new Volume(0, VOLUME_KIB, provisioning));
    }

    private String uri() {
        return config.onlyNode().nbdUri("res/0");
    }

    private Path dataFile() {
        return config.dataFile(folder, config.onlyNode(), 0);
    }

    /** qemu-io with these commands on volume 0; exits 0 and reports no failed pattern or error. */
    private String qemuIo(String... commands) throws Exception {
        List<String> command = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
        for (String each : commands) {
            command.add("-c");
            command.add(each);
        }
        command.add(uri());
        String output = Tool.succeed(folder, command.toArray(String[]::new));
        assertThat(output).as(output).doesNotContain("Pattern verification failed")
                .doesNotContainIgnoringCase("error").doesNotContainIgnoringCase("fail");
        return output;
    }

    @ParameterizedTest
    @EnumSource(Provisioning.class)
    void qemuIoWritesReadBackAndAreInTheDataFileAfterAFlush(Provisioning provisioning) throws Exception {
        Tool.assumeInstalled("qemu-io");
        startRunner(provisioning);

        qemuIo(
                "write -P 0xa1 0 1M",
                "write -P 0xa2 -f 1M 64k", // FUA: durable on its own
                "aio_write -P 0xa3 2M 256k",
                "aio_write -P 0xa4 3M 4k",
                "aio_flush",
                "write -P 0xa5 4M 1M",
                "write -z 4M 512k", // WRITE_ZEROES with NO_HOLE over half of it
                "write -P 0xa6 6M 1M",
                "discard 6M 1M",
                "write -P 0xa7 8389120 1000", // not block aligned: 8M + 512, 1000 bytes
                "flush",
                "read -P 0xa1 0 1M",
                "read -P 0xa2 1M 64k",
                "read -P 0xa3 2M 256k",
                "read -P 0xa4 3M 4k",
                "read -P 0 4M 512k",
                "read -P 0xa5 4608k 512k",
                "read -P 0 6M 1M",
                "read -P 0 8M 512",
                "read -P 0xa7 8389120 1000",
                "read -P 0 8390120 3608",
                "read -P 0 255M 1M");
        // a second connection sees the same
        qemuIo("read -P 0xa1 0 1M", "read -P 0xa7 8389120 1000");

        // after the flush the data file holds what was written, at the same offsets
        try (FileChannel data = FileChannel.open(dataFile())) {
            assertThat(data.size()).isEqualTo(VOLUME_KIB * 1024);
            assertFilled(data, 0, MIB, 0xa1);
            assertFilled(data, MIB, 64 * 1024, 0xa2);
            assertFilled(data, 2 * MIB, 256 * 1024, 0xa3);
            assertFilled(data, 3 * MIB, 4096, 0xa4);
            assertFilled(data, 4 * MIB, 512 * 1024, 0);
            assertFilled(data, 4 * MIB + 512 * 1024, 512 * 1024, 0xa5);
            assertFilled(data, 6 * MIB, MIB, 0);
            assertFilled(data, 8 * MIB, 512, 0);
            assertFilled(data, 8 * MIB + 512, 1000, 0xa7);
            assertFilled(data, 8 * MIB + 1512, 4096 - 1512, 0);
        }
    }

    private static void assertFilled(FileChannel file, long offset, long length, int value) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) length);
        while (buffer.hasRemaining() && file.read(buffer, offset + buffer.position()) > 0) {
            // read on
        }
        byte[] expected = new byte[(int) length];
        Arrays.fill(expected, (byte) value);
        assertThat(buffer.array()).as("data file bytes %d..%d", offset, offset + length).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(Provisioning.class)
    void aDiscardPunchesAHoleInAThinDataFileAndLeavesAThickOneAllocated(Provisioning provisioning) throws Exception {
        Tool.assumeInstalled("qemu-io", "du");
        startRunner(provisioning);
        long empty = Tool.allocatedBytes(folder, dataFile());

        qemuIo("write -P 0x5a 16M 16M", "flush");
        long written = Tool.allocatedBytes(folder, dataFile());
        qemuIo("discard 16M 16M", "flush", "read -P 0 16M 16M");
        long discarded = Tool.allocatedBytes(folder, dataFile());

        if (provisioning == Provisioning.THIN) {
            assertThat(written).as("16 MiB written into a thin file").isGreaterThanOrEqualTo(empty + 16 * MIB);
            assertThat(discarded).as("after the discard (was %d, written %d)", empty, written)
                    .isLessThanOrEqualTo(written - 16 * MIB);
            // WRITE_ZEROES that may unmap punches a hole too; one with NO_HOLE (qemu's default) allocates
            qemuIo("write -P 0x5b 40M 8M", "write -z -u 40M 8M", "flush", "read -P 0 40M 8M");
            assertThat(Tool.allocatedBytes(folder, dataFile())).isLessThanOrEqualTo(discarded + MIB);
            qemuIo("write -z 48M 8M", "flush", "read -P 0 48M 8M");
            assertThat(Tool.allocatedBytes(folder, dataFile())).isGreaterThanOrEqualTo(discarded + 8 * MIB);
        } else {
            assertThat(empty).as("a thick file is allocated from the start").isGreaterThanOrEqualTo(VOLUME_KIB * 1024);
            assertThat(discarded).as("a thick file stays allocated").isGreaterThanOrEqualTo(VOLUME_KIB * 1024);
        }
    }

    @ParameterizedTest
    @EnumSource(Provisioning.class)
    void qemuImgConvertsAFileIntoTheExportAndComparesItEqual(Provisioning provisioning) throws Exception {
        Tool.assumeInstalled("qemu-img");
        startRunner(provisioning);
        byte[] source = randomBytes(32 * MIB, 1);
        Arrays.fill(source, (int) (8 * MIB), (int) (12 * MIB), (byte) 0); // a zero run qemu-img zeroes, not writes
        Path image = Files.write(folder.resolve("source.img"), source);

        Tool.succeed(folder, "qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", image.toString(), uri());
        String compared = Tool.succeed(folder, "qemu-img", "compare", "-f", "raw", "-F", "raw", image.toString(),
                uri());

        assertThat(compared).contains("Images are identical");
        // qemu-img flushes before it exits
        assertThat(Arrays.equals(readFile(dataFile(), 0, source.length), source)).as("data file holds the image")
                .isTrue();
    }

    @Test
    void nbdcopyCopiesAFileIntoTheExportAndTheExportIntoAFile() throws Exception {
        Tool.assumeInstalled("nbdcopy");
        long sizeKib = 64 * 1024;
        startRunner(new Volume(0, sizeKib, Provisioning.THIN));
        byte[] source = randomBytes(sizeKib * 1024, 2);
        Arrays.fill(source, (int) (20 * MIB), (int) (36 * MIB), (byte) 0); // sparse in the middle
        Path in = Files.write(folder.resolve("in.img"), source);
        Path out = folder.resolve("out.img");

        // nbdcopy opens several connections at once (the export allows multi-conn)
        Tool.succeed(folder, "nbdcopy", "--flush", in.toString(), uri());
        Tool.succeed(folder, "nbdcopy", uri(), out.toString());

        assertThat(Files.size(out)).isEqualTo(source.length);
        assertThat(Arrays.equals(Files.readAllBytes(out), source))
                .as("export → file gives back what file → export wrote").isTrue();
        assertThat(Arrays.equals(Files.readAllBytes(dataFile()), source))
                .as("data file after nbdcopy --flush").isTrue();
    }

    @Test
    void nbdinfoShowsSizeAndCapabilitiesAndListsEveryVolume() throws Exception {
        Tool.assumeInstalled("nbdinfo");
        startRunner(new Volume(0, VOLUME_KIB, Provisioning.THIN), new Volume(1, 8 * 1024, Provisioning.THICK));

        String volume0 = Tool.succeed(folder, "nbdinfo", uri());
        String byResourceName = Tool.succeed(folder, "nbdinfo", config.onlyNode().nbdUri("res"));
        String volume1 = Tool.succeed(folder, "nbdinfo", config.onlyNode().nbdUri("res/1"));
        String list = Tool.succeed(folder, "nbdinfo", "--list", config.onlyNode().nbdUri(""));

        assertThat(volume0).contains("export-size: 268435456", "can_trim: true", "can_flush: true", "can_fua: true",
                "can_zero: true", "is_read_only: false");
        assertThat(byResourceName).as("'res' is volume 0").contains("export-size: 268435456");
        assertThat(volume1).contains("export-size: 8388608");
        assertThat(list).contains("export=\"res/0\"", "export=\"res/1\"", "volume 0 of resource res");
    }

    @Test
    void fioVerifiesRandomWritesAtQueueDepth32() throws Exception {
        Tool.assumeInstalled("fio");
        startRunner(Provisioning.THIN);

        String output = Tool.succeed(folder, "fio", "--name=verify", "--ioengine=nbd", "--uri=" + uri(),
                "--rw=randwrite", "--bs=4k", "--size=32M", "--iodepth=32", "--verify=crc32c", "--verify_fatal=1",
                "--do_verify=1", "--verify_state_save=0");

        assertThat(output).doesNotContain("verify: bad").contains("err= 0");
    }

    private static byte[] randomBytes(long length, long seed) {
        byte[] bytes = new byte[(int) length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] readFile(Path file, long offset, int length) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
                // read on
            }
            return buffer.array();
        }
    }
}
