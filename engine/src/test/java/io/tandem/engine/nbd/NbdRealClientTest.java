package io.tandem.engine.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server against the NBD clients REPLICATION.md names: qemu-io and qemu-img (qemu's NBD
 * client), nbdinfo and nbdcopy (libnbd), fio's nbd engine (libnbd, deep queues). Each test is
 * skipped when its tool is not installed (Debian: qemu-utils, libnbd-bin, fio; .ci/run installs
 * them).
 */
class NbdRealClientTest {

  static final int SIZE = 4 << 20;
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir
  Path directory;

  private final MemoryExport volume = new MemoryExport("r0/0", "volume 0 of r0", SIZE);
  private final MemoryExport readOnlyVolume = new MemoryExport("r1/0", "volume 0 of r1", SIZE).readOnly();
  private NbdServer server;

  @BeforeEach
  void start() throws IOException {
    server = new NbdServer(new MemoryExports().add(volume).add(readOnlyVolume));
    server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @AfterEach
  void stop() {
    server.close();
    assertThat(volume.violations()).isEmpty();
    assertThat(volume.detaches()).as("every client detached").isEqualTo(volume.attaches());
  }

  @Test
  void nbdinfoDescribesAnExport() throws Exception {
    assumeInstalled("nbdinfo");

    String output = succeed("nbdinfo", uri("r0/0"));

    assertThat(output).contains("export=\"r0/0\"", "export-size: 4194304", "description: volume 0 of r0",
        "is_read_only: false", "can_flush: true", "can_fua: true", "can_trim: true", "can_zero: true",
        "can_multi_conn: true", "block_size_preferred: 4096", "block_size_maximum: 33554432");
  }

  @Test
  void nbdinfoListsTheExports() throws Exception {
    assumeInstalled("nbdinfo");

    String output = succeed("nbdinfo", "--list", uri(""));

    assertThat(output).contains("export=\"r0/0\"", "description: volume 0 of r0", "export=\"r1/0\"");
  }

  @Test
  void nbdinfoIsToldOfAnUnknownExport() throws Exception {
    assumeInstalled("nbdinfo");

    Result result = run("nbdinfo", uri("r9/0"));

    // NBD_REP_ERR_UNKNOWN, which libnbd shows as ENOENT (the message is in its debug log only).
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output()).contains("No such file or directory", "r9/0");
  }

  @Test
  void qemuIoWritesReadsFlushesDiscardsAndZeroes() throws Exception {
    assumeInstalled("qemu-io");

    String output = succeed("qemu-io", "-f", "raw", uri("r0/0"),
        "-c", "write -P 0xab 0 1M",
        "-c", "read -P 0xab 0 1M",
        "-c", "flush",
        "-c", "write -P 0xcd -f 1M 64k",
        "-c", "discard 1M 64k",
        "-c", "write -P 0xef 2M 64k",
        "-c", "write -z 2M 64k",
        "-c", "read -P 0 2M 64k",
        "-c", "aio_write -P 0x11 3M 4k",
        "-c", "aio_write -P 0x22 3076k 4k",
        "-c", "aio_flush",
        "-c", "read -P 0x22 3076k 4k");

    assertThat(output).doesNotContainIgnoringCase("fail").doesNotContainIgnoringCase("error");
    byte[] contents = volume.contents();
    assertThat(Arrays.copyOfRange(contents, 0, 1 << 20)).containsOnly(0xab);
    assertThat(Arrays.copyOfRange(contents, 2 << 20, (2 << 20) + 65536)).containsOnly(0);
    assertThat(Arrays.copyOfRange(contents, 3 << 20, (3 << 20) + 4096)).containsOnly(0x11);
  }

  @Test
  void qemuIoSeesAReadOnlySession() throws Exception {
    assumeInstalled("qemu-io");

    String read = succeed("qemu-io", "-f", "raw", "-r", uri("r1/0"), "-c", "read -P 0 0 64k");
    Result write = run("qemu-io", "-f", "raw", uri("r1/0"), "-c", "write 0 4k");

    assertThat(read).contains("read 65536/65536 bytes");
    // qemu takes NBD_FLAG_READ_ONLY from the reply to NBD_OPT_GO and will not open for writing.
    assertThat(write.exitCode()).as(write.output()).isNotZero();
    assertThat(write.output()).contains("Permission denied");
  }

  @Test
  void qemuImgConvertsToTheExportAndComparesEqual() throws Exception {
    assumeInstalled("qemu-img");
    Path image = directory.resolve("source.img");
    byte[] source = NbdServerTransmissionTest.pattern(SIZE, 7);
    Arrays.fill(source, 1 << 20, 2 << 20, (byte) 0); // a zero run for qemu-img to zero instead of write
    Files.write(image, source);

    succeed("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", image.toString(), uri("r0/0"));
    succeed("qemu-img", "compare", "-f", "raw", "-F", "raw", image.toString(), uri("r0/0"));

    assertThat(volume.contents()).isEqualTo(source);
  }

  @Test
  void nbdcopyCopiesToAndFromTheExport() throws Exception {
    assumeInstalled("nbdcopy");
    Path in = directory.resolve("in.img");
    Path out = directory.resolve("out.img");
    byte[] source = NbdServerTransmissionTest.pattern(SIZE, 8);
    Files.write(in, source);
    Files.write(out, new byte[0]);

    succeed("nbdcopy", in.toString(), uri("r0/0"));
    assertThat(volume.contents()).isEqualTo(source);
    succeed("nbdcopy", uri("r0/0"), out.toString());

    assertThat(Files.readAllBytes(out)).isEqualTo(source);
  }

  @Test
  void fioVerifiesRandomWritesAtQueueDepth64() throws Exception {
    assumeInstalled("fio");

    String output = succeed("fio", "--name=verify", "--ioengine=nbd", "--uri=" + uri("r0/0"),
        "--rw=randwrite", "--bs=4k", "--size=4M", "--iodepth=64", "--verify=crc32c",
        "--verify_fatal=1", "--do_verify=1", "--verify_state_save=0");

    assertThat(output).doesNotContain("verify: bad").contains("err= 0");
  }

  private String uri(String export) {
    InetSocketAddress address = server.boundAddress();
    return "nbd://" + address.getAddress().getHostAddress() + ":" + address.getPort() + "/" + export;
  }

  private String succeed(String... command) throws Exception {
    Result result = run(command);
    assertThat(result.exitCode()).as(String.join(" ", command) + " said:\n" + result.output()).isZero();
    return result.output();
  }

  private Result run(String... command) throws Exception {
    Path output = Files.createTempFile(directory, "output", ".txt");
    Process process = new ProcessBuilder(List.of(command))
        .directory(directory.toFile()) // whatever a tool leaves behind goes with the temporary directory
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
    if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " took longer than " + TIMEOUT + ":\n"
          + Files.readString(output));
    }
    return new Result(process.exitValue(), Files.readString(output));
  }

  private record Result(int exitCode, String output) {}

  private static void assumeInstalled(String tool) {
    boolean installed = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(directory -> Files.isExecutable(Path.of(directory, tool)));
    assumeTrue(installed, tool + " is not installed");
  }
}
