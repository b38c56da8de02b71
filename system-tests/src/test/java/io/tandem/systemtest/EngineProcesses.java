package io.tandem.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Standalone runners ({@code engine/target/tandem-engine.jar}) as separate processes, one per
 * {@link #start}; each start's stdout and stderr go to their own files in the test's folder.
 * {@link #close()} kills whatever is still running, so an {@code @AfterEach} leaves nothing behind
 * even when the test failed half-way.
 */
final class EngineProcesses implements AutoCloseable {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    /** One start of the runner and where its output goes. */
    record Started(Process process, String node, Path stdout, Path stderr) {
        String output() {
            return read(stdout) + read(stderr);
        }

        String stdoutText() {
            return read(stdout);
        }

        String stderrText() {
            return read(stderr);
        }

        private static String read(Path file) {
            try {
                return Files.exists(file) ? Files.readString(file) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** How a run that was meant to end ended. */
    record Finished(int exitCode, String stdout, String stderr) {}

    private final Path logFolder;
    private final List<Process> everything = new ArrayList<>();
    private int starts;

    /** @param logFolder where each start's {@code <node>-<n>.out} and {@code .err} go */
    EngineProcesses(Path logFolder) {
        this.logFolder = logFolder;
    }

    /** Starts the runner for {@code node} of {@code config}; does not wait for it. */
    Started start(Path config, String node, String... moreArguments) {
        List<String> command = new ArrayList<>(List.of(JAVA, "-Xmx256m", "-jar",
                LocalCluster.jar("tandem.engine.jar").toString(), "--config", config.toString(), "--node", node));
        command.addAll(List.of(moreArguments));
        try {
            Files.createDirectories(logFolder);
            starts++;
            Path stdout = logFolder.resolve(node + "-" + starts + ".out");
            Path stderr = logFolder.resolve(node + "-" + starts + ".err");
            Process process = new ProcessBuilder(command)
                    .directory(logFolder.toFile()) // anything written relative to it stays in the test's folder
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            everything.add(process);
            return new Started(process, node, stdout, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the runner for " + node, e);
        }
    }

    /**
     * Starts the runner and waits until its admin API answers {@code GET /status} and it has printed
     * its {@code tandem-engine: ... ready} line.
     */
    Started startReady(Path config, EngineConfigFile.Node node) {
        Started started = start(config, node.name());
        awaitReady(started, node.admin());
        return started;
    }

    static void awaitReady(Started started, InetSocketAddress admin) {
        EngineAdmin api = new EngineAdmin(admin);
        Awaitility.await(started.node() + " ready").atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    assertThat(started.process().isAlive())
                            .as("runner for %s exited:%n%s", started.node(), started.output()).isTrue();
                    JsonNode status = api.statusOrNull();
                    return status != null && readyLine(started.stdoutText());
                });
    }

    private static boolean readyLine(String stdout) {
        return stdout.lines().anyMatch(line -> line.startsWith("tandem-engine: ") && line.contains("ready"));
    }

    /** Runs the runner for a node it is expected to refuse, and waits for it to exit. */
    Finished runToExit(Path config, String node, String... moreArguments) throws InterruptedException {
        Started started = start(config, node, moreArguments);
        if (!started.process().waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            started.process().destroyForcibly();
            throw new AssertionError("the runner for " + node + " did not exit within " + EXIT_TIMEOUT + ":\n"
                    + started.output());
        }
        return new Finished(started.process().exitValue(), started.stdoutText(), started.stderrText());
    }

    /** kill -9: on Linux {@link Process#destroyForcibly()} sends SIGKILL; no shutdown hook runs. */
    static void kill(Started started) throws InterruptedException {
        started.process().destroyForcibly();
        assertThat(started.process().waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("runner for %s killed", started.node()).isTrue();
    }

    /** SIGTERM: the runner's shutdown hook closes its exports and volumes. */
    static void stop(Started started) throws InterruptedException {
        started.process().destroy();
        assertThat(started.process().waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("runner for %s stopped:\n%s", started.node(), started.output()).isTrue();
    }

    /** Kills every runner still running and waits until each has ended. */
    @Override
    public void close() throws InterruptedException {
        for (Process process : everything) {
            process.destroyForcibly();
        }
        for (Process process : everything) {
            assertThat(process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("runner %d ended", process.pid())
                    .isTrue();
        }
    }
}
