package io.tandem.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The configs in {@code engine/examples/} work as they are: copied unchanged into an empty folder,
 * each node starts, serves its admin API and NBD on its own address, and keeps its data next to
 * the config. Their ports are fixed (7000, 10809, 7100), so a test is skipped when one is taken on
 * this machine. The three nodes connect to each other; replication of data is not there yet.
 */
class EngineExamplesSystemTest extends EngineRunnerTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("tandem.engine.examples", "missing"));
    private static final long EXAMPLE_SIZE_BYTES = 1L << 30;

    /** Copies the example unchanged and returns its nodes, skipping the test if one of their ports is taken. */
    private Path copyExample(String name) throws IOException {
        Path example = EXAMPLES.resolve(name);
        assertThat(example).as("tandem.engine.examples").exists();
        Path copy = Files.copy(example, folder.resolve(name));
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (JsonNode node : new ObjectMapper().readTree(copy.toFile()).get("nodes")) {
            for (String key : List.of("address", "nbd", "admin")) {
                addresses.add(address(node.get(key).asText()));
            }
        }
        assumeTrue(EngineConfigFile.allFree(addresses), name + ": one of " + addresses + " is in use on this machine");
        return copy;
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return InetSocketAddress.createUnresolved(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private EngineProcesses.Started startNode(Path config, String name, String host) {
        EngineProcesses.Started started = processes.start(config, name);
        EngineProcesses.awaitReady(started, InetSocketAddress.createUnresolved(host, 7100));
        return started;
    }

    @Test
    void singleNodeExampleServesNbdWithItsDataNextToTheConfig() throws Exception {
        Tool.assumeInstalled("nbdinfo");
        Path config = copyExample("single.json");

        startNode(config, "alpha", "127.0.0.1");

        JsonNode status = new EngineAdmin(InetSocketAddress.createUnresolved("127.0.0.1", 7100)).status();
        assertThat(status.get("resource").asText()).isEqualTo("demo");
        assertThat(status.get("node").asText()).isEqualTo("alpha");
        assertThat(status.get("peers")).isEmpty();
        String info = Tool.succeed(folder, "nbdinfo", "nbd://127.0.0.1:10809/demo/0");
        assertThat(info).contains("export-size: " + EXAMPLE_SIZE_BYTES, "can_flush: true");
        assertThat(folder.resolve("alpha/demo_00000.img")).exists().hasSize(EXAMPLE_SIZE_BYTES);
        assertThat(folder.resolve("alpha/demo_00000.meta")).exists();
    }

    @Test
    void threeNodeExampleRunsEachNodeOnItsOwnAddress() throws Exception {
        Tool.assumeInstalled("nbdinfo");
        Path config = copyExample("three-nodes.json");
        List<String> names = List.of("alpha", "bravo", "charlie");

        List<EngineProcesses.Started> started = new ArrayList<>();
        for (String name : names) {
            started.add(processes.start(config, name));
        }
        for (int i = 0; i < names.size(); i++) {
            String self = names.get(i);
            String host = "127.0.0." + (i + 1);
            EngineAdmin admin = new EngineAdmin(InetSocketAddress.createUnresolved(host, 7100));
            EngineProcesses.awaitReady(started.get(i), InetSocketAddress.createUnresolved(host, 7100));
            JsonNode status = admin.status();

            assertThat(status.get("node").asText()).isEqualTo(self);
            assertThat(status.get("node_id").asInt()).isEqualTo(i);
            assertThat(status.get("volumes").get(0).get("disk_state").asText()).isEqualTo("UpToDate");
            List<String> peers = new ArrayList<>();
            for (JsonNode peer : status.get("peers")) {
                peers.add(peer.get("name").asText());
            }
            assertThat(peers).containsExactlyInAnyOrderElementsOf(names.stream().filter(n -> !n.equals(self)).toList());
            String info = Tool.succeed(folder, "nbdinfo", "nbd://" + host + ":10809/demo/0");
            assertThat(info).contains("export-size: " + EXAMPLE_SIZE_BYTES);
            assertThat(folder.resolve(self).resolve("demo_00000.img")).exists().hasSize(EXAMPLE_SIZE_BYTES);
        }
        for (int i = 0; i < names.size(); i++) {
            EngineAdmin admin = new EngineAdmin(InetSocketAddress.createUnresolved("127.0.0." + (i + 1), 7100));
            String self = names.get(i);
            Awaitility.await(self + " connected to its peers").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> assertThat(admin.status().get("peers"))
                            .allSatisfy(peer -> assertThat(peer.get("connection").asText()).isEqualTo("Connected")));
        }
    }
}
