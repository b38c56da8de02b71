package io.tandem.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command-line tool run to completion: the real NBD clients (qemu-io, qemu-img, nbdinfo,
 * nbdcopy, fio; Debian packages qemu-utils, libnbd-bin, fio, which {@code .ci/run} installs) and
 * {@code du}. A test whose tool is missing is skipped, not failed.
 */
final class Tool {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** Exit code, and stdout and stderr together. */
    record Result(int exitCode, String output) {}

    private Tool() {}

    static void assumeInstalled(String... tools) {
        for (String tool : tools) {
            boolean installed = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                    .anyMatch(directory -> Files.isExecutable(Path.of(directory, tool)));
            assumeTrue(installed, tool + " is not installed");
        }
    }

    /**
     * Runs {@code command} in {@code directory} (whatever a tool leaves behind stays in the test's
     * folder); a tool still running after {@link #TIMEOUT} is killed and the test fails.
     */
    static Result run(Path directory, String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(directory, "tool-", ".txt");
        Process process = new ProcessBuilder(List.of(command)).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError(String.join(" ", command) + " took longer than " + TIMEOUT + ":\n"
                        + Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output));
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(output); // what it printed is in the result (or the failure)
        }
    }

    /** Runs {@code command} and checks it exits 0; returns what it printed. */
    static String succeed(Path directory, String... command) throws IOException, InterruptedException {
        Result result = run(directory, command);
        assertThat(result.exitCode()).as("%s exited with %d:%n%s", String.join(" ", command), result.exitCode(),
                result.output()).isZero();
        return result.output();
    }

    /** Bytes the file occupies on disk ({@code du --block-size=1}), which a punched hole lowers. */
    static long allocatedBytes(Path directory, Path file) throws IOException, InterruptedException {
        String output = succeed(directory, "du", "--block-size=1", file.toString());
        return Long.parseLong(output.trim().split("\\s+")[0]);
    }
}
