package io.tandem.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.client.ApiException;
import io.tandem.client.api.NodesApi;
import io.tandem.client.api.StoragePoolsApi;
import io.tandem.client.model.ApiCallRc;
import io.tandem.client.model.ConnectionStatus;
import io.tandem.client.model.NetInterface;
import io.tandem.client.model.Node;
import io.tandem.client.model.NodeType;
import io.tandem.client.model.ProviderKind;
import io.tandem.client.model.StoragePool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Controller and three satellites as real processes on 127.0.0.1–3: nodes come ONLINE and report
 * what they support, pools report real capacity or a clear problem, a satellite killed with
 * SIGKILL turns its node OFFLINE within seconds and ONLINE again when restarted, and a satellite
 * with the wrong secret is an AUTHENTICATION_ERROR.
 */
class SatelliteLinkSystemTest {
    private static final String SECRET = "system-test-secret";

    @TempDir
    Path folder;

    private LocalCluster cluster;

    @BeforeEach
    void start() {
        cluster = new LocalCluster(folder, SECRET);
        cluster.startController();
        for (int i = 1; i <= 3; i++) {
            cluster.startSatellite(i);
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        cluster.close();
    }

    private static ConditionFactory within(int seconds) {
        return Awaitility.await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(ApiException.class);
    }

    private ConnectionStatus status(String node) throws ApiException {
        return new NodesApi(cluster.client()).nodeGet(node).getConnectionStatus();
    }

    @Test
    void satellitesComeOnlineReportCapacityAndSurviveKillAndWrongSecret() throws Exception {
        NodesApi nodes = new NodesApi(cluster.client());
        StoragePoolsApi pools = new StoragePoolsApi(cluster.client());
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String name = "node" + i;
            names.add(name);
            nodes.nodeCreate(new Node().name(name).type(NodeType.SATELLITE).netInterfaces(new ArrayList<>(List.of(
                    new NetInterface().name("default").address(cluster.satelliteAddress(i))
                            .satellitePort(cluster.satellitePort(i))))));
        }
        for (String name : names) {
            within(30).untilAsserted(() -> assertThat(status(name)).isEqualTo(ConnectionStatus.ONLINE));
        }
        Node first = nodes.nodeGet("node1");
        assertThat(first.getStorageProviders()).contains("FILE", "FILE_THIN", "DISKLESS");
        assertThat(first.getProps()).containsKey("NodeUname");

        // a pool with a real directory reports capacity; one without reports why it cannot work
        Path directory = Files.createDirectories(folder.resolve("pools/node1-pool1"));
        // the answer to a create carries the satellite's verdict, as LINSTOR's answers do
        List<ApiCallRc> goodAnswer = pools.storagePoolCreate("node1", new StoragePool().storagePoolName("pool1")
                .providerKind(ProviderKind.FILE_THIN).props(Map.of("StorDriver/FileDir", directory.toString())));
        assertThat(goodAnswer).extracting(ApiCallRc::getMessage).anySatisfy(m -> assertThat(m).contains("(node1)", "ready"));
        List<ApiCallRc> badAnswer = pools.storagePoolCreate("node2", new StoragePool().storagePoolName("pool1")
                .providerKind(ProviderKind.FILE).props(Map.of("StorDriver/FileDir", folder.resolve("no-such-dir").toString())));
        assertThat(badAnswer).extracting(ApiCallRc::getCause).anySatisfy(c -> assertThat(c).contains("does not exist"));
        within(15).untilAsserted(() -> {
            StoragePool good = pools.storagePoolGet("node1", "pool1");
            assertThat(good.getTotalCapacity()).isPositive();
            assertThat(good.getFreeCapacity()).isPositive().isLessThanOrEqualTo(good.getTotalCapacity());
            assertThat(good.getReports()).isEmpty();
        });
        within(15).untilAsserted(() -> {
            StoragePool bad = pools.storagePoolGet("node2", "pool1");
            assertThat(bad.getReports()).extracting(ApiCallRc::getCause).anySatisfy(cause ->
                    assertThat(cause).contains("no-such-dir", "does not exist"));
            assertThat(bad.getFreeCapacity()).isNull();
        });
        // the operator fixes it: the satellite sees the directory on its next look
        Files.createDirectories(folder.resolve("no-such-dir"));
        within(30).untilAsserted(() -> assertThat(pools.storagePoolGet("node2", "pool1").getTotalCapacity()).isPositive());

        // kill -9 a satellite: OFFLINE within seconds, ONLINE again after a restart
        cluster.killSatellite(2);
        within(10).untilAsserted(() -> assertThat(status("node2")).isEqualTo(ConnectionStatus.OFFLINE));
        assertThat(pools.storagePoolGet("node2", "pool1").getTotalCapacity()).isNull();
        cluster.startSatellite(2);
        within(20).untilAsserted(() -> assertThat(status("node2")).isEqualTo(ConnectionStatus.ONLINE));
        within(15).untilAsserted(() -> assertThat(pools.storagePoolGet("node2", "pool1").getTotalCapacity()).isPositive());

        // a satellite that does not know the secret
        cluster.killSatellite(3);
        cluster.startSatellite(3, "some-other-secret");
        within(20).untilAsserted(() -> assertThat(status("node3")).isEqualTo(ConnectionStatus.AUTHENTICATION_ERROR));
        cluster.killSatellite(3);
        cluster.startSatellite(3);
        within(20).untilAsserted(() -> assertThat(status("node3")).isEqualTo(ConnectionStatus.ONLINE));

        // a node deleted from the cluster is let go
        nodes.nodeDelete("node3");
        assertThat(nodes.nodeList(null, null, null, null)).extracting(Node::getName).containsExactly("node1", "node2");
    }
}
