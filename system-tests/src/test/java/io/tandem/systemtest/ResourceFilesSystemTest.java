package io.tandem.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.client.ApiException;
import io.tandem.client.api.NodesApi;
import io.tandem.client.model.ConnectionStatus;
import io.tandem.client.model.NetInterface;
import io.tandem.client.model.Node;
import io.tandem.client.model.NodeType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resources placed through the REST API become backing files on exactly the right nodes, grow
 * with their volume definition, and vanish when deleted — also when the node was down at the time
 * of the delete: the resource stays marked DELETE until the node's satellite is back and has
 * removed the file, and nothing else in the pool directory is touched.
 */
class ResourceFilesSystemTest {
    private static final String SECRET = "resource-files-secret";

    @TempDir
    Path folder;

    private LocalCluster cluster;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster(folder, SECRET);
        cluster.startController();
        NodesApi nodes = new NodesApi(cluster.client());
        for (int i = 1; i <= 3; i++) {
            cluster.startSatellite(i);
            nodes.nodeCreate(new Node().name("node" + i).type(NodeType.SATELLITE).netInterfaces(new ArrayList<>(List.of(
                    new NetInterface().name("default").address(cluster.satelliteAddress(i))
                            .satellitePort(cluster.satellitePort(i))))));
            Files.createDirectories(pool(i));
            assertThat(send("POST", "/v1/nodes/node" + i + "/storage-pools", """
                    {"storage_pool_name":"pool1","provider_kind":"%s","props":{"StorDriver/FileDir":"%s"}}"""
                    .formatted(i == 1 ? "FILE" : "FILE_THIN", pool(i)))).isEqualTo(201);
        }
        for (int i = 1; i <= 3; i++) {
            String node = "node" + i;
            within(30).untilAsserted(() -> assertThat(nodes.nodeGet(node).getConnectionStatus())
                    .isEqualTo(ConnectionStatus.ONLINE));
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        cluster.close();
    }

    private Path pool(int node) {
        return folder.resolve("pools/node" + node);
    }

    private static ConditionFactory within(int seconds) {
        return Awaitility.await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(ApiException.class);
    }

    private int send(String method, String path, String body) throws IOException, InterruptedException {
        return request(method, path, body).statusCode();
    }

    private HttpResponse<String> request(String method, String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(cluster.baseUri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void resourcesBecomeFilesOnTheRightNodesAndGoAwayEvenAfterADownedNodeReturns() throws Exception {
        Path foreign = Files.writeString(pool(2).resolve("not-tandems.img"), "leave me");
        assertThat(send("POST", "/v1/resource-definitions", "{\"resource_definition\":{\"name\":\"web\"}}")).isEqualTo(201);
        assertThat(send("POST", "/v1/resource-definitions/web/volume-definitions",
                "{\"volume_definition\":{\"size_kib\":8192}}")).isEqualTo(201);
        assertThat(send("POST", "/v1/resource-definitions/web/resources", """
                [{"resource":{"node_name":"node1","props":{"StorPoolName":"pool1"}}},
                 {"resource":{"node_name":"node2"}},
                 {"resource":{"node_name":"node3","flags":["DRBD_DISKLESS"]}}]""")).isEqualTo(201);

        Path onNode1 = pool(1).resolve("web_00000.img");
        Path onNode2 = pool(2).resolve("web_00000.img");
        within(20).untilAsserted(() -> {
            assertThat(onNode1).exists().hasSize(8192L * 1024);
            assertThat(onNode2).exists().hasSize(8192L * 1024);
        });
        assertThat(pool(3).resolve("web_00000.img")).as("a diskless replica has no file").doesNotExist();
        // the view shows what the satellites report: the backing file and its sizes
        within(20).untilAsserted(() -> assertThat(request("GET", "/v1/view/resources?nodes=node2", null).body())
                .contains("\"usable_size_kib\":8192", onNode2.toString()));

        // growing the volume definition grows the files
        assertThat(send("PUT", "/v1/resource-definitions/web/volume-definitions/0", "{\"size_kib\":16384}"))
                .isEqualTo(200);
        within(20).untilAsserted(() -> assertThat(onNode2).hasSize(16384L * 1024));

        // deleted while its node is down: marked DELETE, cleaned up when the node returns
        cluster.killSatellite(2);
        within(10).untilAsserted(() -> assertThat(new NodesApi(cluster.client()).nodeGet("node2").getConnectionStatus())
                .isEqualTo(ConnectionStatus.OFFLINE));
        assertThat(send("DELETE", "/v1/resource-definitions/web/resources/node2", null)).isEqualTo(200);
        assertThat(request("GET", "/v1/resource-definitions/web/resources/node2", null).body()).contains("DELETE");
        assertThat(onNode2).exists();
        cluster.startSatellite(2);
        within(30).untilAsserted(() -> {
            assertThat(onNode2).doesNotExist();
            assertThat(send("GET", "/v1/resource-definitions/web/resources/node2", null)).isEqualTo(404);
        });
        assertThat(foreign).hasContent("leave me");
        assertThat(onNode1).exists();

        // deleting the definition removes every replica
        assertThat(send("DELETE", "/v1/resource-definitions/web", null)).isEqualTo(200);
        within(30).untilAsserted(() -> {
            assertThat(onNode1).doesNotExist();
            assertThat(send("GET", "/v1/resource-definitions/web", null)).isEqualTo(404);
        });
    }
}
