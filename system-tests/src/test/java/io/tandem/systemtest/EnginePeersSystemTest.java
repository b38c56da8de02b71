package io.tandem.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.systemtest.EngineConfigFile.Provisioning;
import io.tandem.systemtest.EngineConfigFile.Volume;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * Three runners of one config on 127.0.0.1-3 connect to each other over their replication
 * addresses (REPLICATION.md "The wire between engines"): every node shows its two peers
 * Connected. An operator's {@code POST /peers/{name}/disconnect} keeps that peer StandAlone on
 * that node (the other side keeps trying: Connecting), {@code /events} reports it, and
 * {@code POST /peers/{name}/connect} brings the connection back.
 */
class EnginePeersSystemTest extends EngineRunnerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ConditionFactory within(int seconds) {
        return Awaitility.await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(100));
    }

    /** Each peer's {@code connection} in {@code GET /status}, by name. */
    private static Map<String, String> connections(EngineAdmin admin) {
        Map<String, String> connections = new LinkedHashMap<>();
        for (JsonNode peer : admin.status().get("peers")) {
            connections.put(peer.get("name").asText(), peer.get("connection").asText());
        }
        return connections;
    }

    @Test
    void threeNodesConnectAndAnOperatorDisconnectsAndReconnectsAPeer() throws Exception {
        EngineConfigFile config = EngineConfigFile.nodes(3, "res", "off", new Volume(0, 64 * 1024, Provisioning.THIN));
        Path file = config.writeTo(folder);
        for (EngineConfigFile.Node node : config.nodes()) {
            processes.startReady(file, node);
        }
        EngineAdmin alpha = new EngineAdmin(config.node("alpha").admin());
        EngineAdmin bravo = new EngineAdmin(config.node("bravo").admin());
        EngineAdmin charlie = new EngineAdmin(config.node("charlie").admin());

        within(30).untilAsserted(() -> {
            assertThat(connections(alpha)).containsExactly(Map.entry("bravo", "Connected"),
                    Map.entry("charlie", "Connected"));
            assertThat(connections(bravo)).containsExactly(Map.entry("alpha", "Connected"),
                    Map.entry("charlie", "Connected"));
            assertThat(connections(charlie)).containsExactly(Map.entry("alpha", "Connected"),
                    Map.entry("bravo", "Connected"));
        });
        assertThat(bravo.status().get("peers")).allSatisfy(peer -> assertThat(peer.get("queued_bytes").asLong())
                .isNotNegative());

        try (EventLines events = EventLines.open(config.node("bravo").admin())) {
            JsonNode first = events.next();
            assertThat(first.get("type").asText()).isEqualTo("status");
            assertThat(first.get("node").asText()).isEqualTo("bravo");

            EngineAdmin.Answer disconnected = bravo.post("/peers/alpha/disconnect");

            assertThat(disconnected.statusCode()).as("%s", disconnected.body()).isEqualTo(200);
            assertThat(connections(bravo)).containsEntry("alpha", "StandAlone").containsEntry("charlie", "Connected");
            assertThat(events.nextPeerChange()).isEqualTo(JSON.readTree("{\"type\":\"change\",\"what\":\"peer\","
                    + "\"peer\":\"alpha\",\"node_id\":0,\"connection\":\"StandAlone\"}"));
            // alpha keeps trying and is refused; bravo stays StandAlone towards it
            within(10).untilAsserted(() -> assertThat(connections(alpha)).containsEntry("bravo", "Connecting"));
            Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(connections(bravo)).containsEntry("alpha", "StandAlone");
                assertThat(connections(alpha)).containsEntry("bravo", "Connecting")
                        .containsEntry("charlie", "Connected");
            });

            EngineAdmin.Answer connected = bravo.post("/peers/alpha/connect");

            assertThat(connected.statusCode()).as("%s", connected.body()).isEqualTo(200);
            within(15).untilAsserted(() -> {
                assertThat(connections(bravo)).containsEntry("alpha", "Connected");
                assertThat(connections(alpha)).containsEntry("bravo", "Connected");
            });
            JsonNode change = events.nextPeerChange();
            while (!change.get("connection").asText().equals("Connected")) {
                // Connecting on the way, when the runner saw it
                assertThat(change.get("connection").asText()).isEqualTo("Connecting");
                change = events.nextPeerChange();
            }
            assertThat(change.get("peer").asText()).isEqualTo("alpha");
        }

        EngineAdmin.Answer unknown = bravo.post("/peers/delta/disconnect");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body().get("error").asText()).contains("alpha", "charlie");
    }

    /** {@code GET /events}, read line by line on a thread of the HTTP client. */
    private static final class EventLines implements AutoCloseable {
        private static final Duration LINE_TIMEOUT = Duration.ofSeconds(15);

        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Stream<String> body;

        private EventLines(Stream<String> body) {
            this.body = body;
        }

        static EventLines open(InetSocketAddress admin) throws IOException, InterruptedException {
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://" + admin.getHostString() + ":" + admin.getPort() + "/events");
            HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).contains("application/x-ndjson");
            EventLines events = new EventLines(response.body());
            Thread reader = new Thread(() -> {
                try {
                    events.body.forEach(events.lines::add);
                } catch (RuntimeException e) {
                    // closed by the test
                }
            }, "events-reader");
            reader.setDaemon(true);
            reader.start();
            return events;
        }

        JsonNode next() throws IOException, InterruptedException {
            String line = lines.poll(LINE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(line).as("a line of /events within %s", LINE_TIMEOUT).isNotNull();
            JsonNode node = JSON.readTree(line);
            return node.get("type").asText().equals("keepalive") ? next() : node;
        }

        /** The next change of a peer's connection (replication and other changes in between are skipped). */
        JsonNode nextPeerChange() throws IOException, InterruptedException {
            JsonNode node = next();
            while (!(node.get("type").asText().equals("change") && node.get("what").asText().equals("peer"))) {
                node = next();
            }
            return node;
        }

        @Override
        public void close() {
            body.close();
        }
    }
}
