package io.tandem.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.client.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real cluster on this machine: the controller jar and satellite jars as separate processes,
 * each satellite on its own loopback address (127.0.0.1, 127.0.0.2, ...), each with its own data
 * directory and log under one folder.
 */
final class LocalCluster implements AutoCloseable {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private final Path folder;
    private final String secret;
    private final int restPort;
    private Process controller;
    private final Map<Integer, Process> satellites = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> satellitePorts = new ConcurrentHashMap<>();
    private final List<Process> everything = new ArrayList<>();

    LocalCluster(Path folder, String secret) {
        this.folder = folder;
        this.secret = secret;
        this.restPort = freePort("127.0.0.1");
    }

    static Path jar(String property) {
        Path jar = Path.of(System.getProperty(property, "missing"));
        assertThat(jar).as("%s (build the module first)", property).exists();
        return jar;
    }

    /** Starts the controller and waits until it answers /health. */
    void startController() {
        Path data = folder.resolve("controller");
        controller = start("controller", List.of(JAVA, "-Xmx512m", "-jar", jar("tandem.controller.jar").toString(),
                "--data-dir=" + data, "--server.port=" + restPort), secret);
        Awaitility.await("controller /health").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    assertThat(controller.isAlive()).as("controller process (see %s)", log("controller")).isTrue();
                    return health() == 200;
                });
    }

    /** Starts satellite {@code index} on 127.0.0.{index} with the cluster secret {@code withSecret} (null: none). */
    void startSatellite(int index, String withSecret) {
        String address = "127.0.0." + index;
        int port = satellitePorts.computeIfAbsent(index, i -> freePort(address));
        Process process = start("satellite-" + index, List.of(JAVA, "-Xmx128m", "-jar",
                jar("tandem.satellite.jar").toString(), "--listen", address + ":" + port,
                "--data-dir", folder.resolve("satellite-" + index).toString()), withSecret);
        satellites.put(index, process);
        Awaitility.await("satellite " + index + " listening").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    assertThat(process.isAlive()).as("satellite %d (see %s)", index, log("satellite-" + index))
                            .isTrue();
                    return accepts(address, port);
                });
    }

    void startSatellite(int index) {
        startSatellite(index, secret);
    }

    /** kill -9 */
    void killSatellite(int index) throws InterruptedException {
        Process process = satellites.remove(index);
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    String satelliteAddress(int index) {
        return "127.0.0." + index;
    }

    int satellitePort(int index) {
        return satellitePorts.computeIfAbsent(index, i -> freePort(satelliteAddress(index)));
    }

    Path folder() {
        return folder;
    }

    ApiClient client() {
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://127.0.0.1:" + restPort);
        return client;
    }

    String baseUri() {
        return "http://127.0.0.1:" + restPort;
    }

    Path log(String name) {
        return folder.resolve(name + ".log");
    }

    private Process start(String name, List<String> command, String clusterSecret) {
        try {
            Files.createDirectories(folder);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log(name).toFile()));
            builder.environment().remove("TANDEM_CLUSTER_SECRET");
            if (clusterSecret != null) {
                builder.environment().put("TANDEM_CLUSTER_SECRET", clusterSecret);
            }
            Process process = builder.start();
            everything.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    private int health() {
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(baseUri() + "/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static boolean accepts(String address, int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress(address, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(String address) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + address, e);
        }
    }

    /** Stops every process this cluster started, the controller gracefully, and checks none is left. */
    @Override
    public void close() throws InterruptedException {
        if (controller != null) {
            controller.destroy();
            if (!controller.waitFor(30, TimeUnit.SECONDS)) {
                controller.destroyForcibly();
            }
        }
        for (Process process : everything) {
            process.destroyForcibly();
        }
        for (Process process : everything) {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("process %d ended", process.pid()).isTrue();
        }
    }
}
