package io.tandem.engine.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.engine.core.ConnectionState;
import io.tandem.engine.core.DiskState;
import io.tandem.engine.core.Peer;
import io.tandem.engine.core.Provisioning;
import io.tandem.engine.core.QuorumVerdict;
import io.tandem.engine.core.ReplicaSettings;
import io.tandem.engine.core.ReplicationState;
import io.tandem.engine.core.Role;
import io.tandem.engine.core.VolumeSetup;
import io.tandem.engine.runtime.PeerTransport;
import io.tandem.engine.runtime.ReplicaRuntime;
import io.tandem.engine.runtime.StateChange;
import io.tandem.engine.storage.ChannelFileSystem;
import io.tandem.engine.volume.VolumeFileNames;
import io.tandem.engine.volume.VolumeStorage;
import io.tandem.engine.wire.WireMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The admin API over HTTP against a real runtime with a stand-in peer transport. */
@Timeout(60)
class AdminServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Peers' connection states as the test sets them; holds recorded. */
  static final class FakeTransport implements PeerTransport {
    final Map<Integer, ConnectionState> states = new ConcurrentHashMap<>();
    final List<String> holds = new CopyOnWriteArrayList<>();

    @Override
    public void send(int nodeId, long connectionId, WireMessage message) {}

    @Override
    public void hold(int nodeId, boolean hold, String reason) {
      holds.add(nodeId + " " + hold);
      states.put(nodeId, hold ? ConnectionState.StandAlone : ConnectionState.Connecting);
    }

    @Override
    public ConnectionState connectionState(int nodeId) {
      return states.getOrDefault(nodeId, ConnectionState.Connecting);
    }

    @Override
    public long queuedBytes(int nodeId) {
      return nodeId * 1000L;
    }
  }

  @TempDir
  Path folder;

  private final FakeTransport transport = new FakeTransport();
  private final HttpClient http = HttpClient.newHttpClient();
  private ReplicaRuntime runtime;
  private AdminServer admin;

  @BeforeEach
  void start() throws Exception {
    List<Peer> peers = List.of(new Peer("bravo", 1), new Peer("charlie", 2));
    VolumeStorage storage = VolumeStorage.openOrCreate(new ChannelFileSystem(),
        VolumeFileNames.in(folder.toString(), "r0", 0),
        new VolumeStorage.Creation(16L << 20, 0, peers, Provisioning.THIN, 7));
    runtime = new ReplicaRuntime(new ReplicaSettings("r0", "alpha", 0, peers, 67),
        List.of(VolumeSetup.diskful(0, Provisioning.THIN, storage.image())), Map.of(0, storage), 0,
        ReplicaRuntime.InvariantChecks.AFTER_EVERY_EVENT);
    runtime.start().get(10, TimeUnit.SECONDS);
    runtime.usePeerTransport(transport);
    admin = new AdminServer(runtime, new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() throws IOException {
    admin.close();
    runtime.close();
  }

  private record Answer(int status, JsonNode body) {}

  private Answer call(String method, String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path))
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), JSON.readTree(response.body()));
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + admin.address().getPort() + path);
  }

  private static JsonNode peer(JsonNode status, String name) {
    for (JsonNode peer : status.get("peers")) {
      if (peer.get("name").asText().equals(name)) {
        return peer;
      }
    }
    throw new AssertionError("no peer " + name + " in " + status);
  }

  @Test
  void statusShowsEachPeersConnectionAndQueuedBytes() throws Exception {
    runtime.peerConnected(1, 3);

    JsonNode status = call("GET", "/status").body();

    assertThat(peer(status, "bravo").get("connection").asText()).isEqualTo("Connected");
    assertThat(peer(status, "bravo").get("queued_bytes").asLong()).isEqualTo(1000);
    assertThat(peer(status, "charlie").get("connection").asText()).as("the transport tries").isEqualTo("Connecting");
    assertThat(peer(status, "charlie").get("queued_bytes").asLong()).isEqualTo(2000);
    assertThat(peer(status, "charlie").get("volumes").get(0).get("replication").asText()).isEqualTo("Off");
  }

  @Test
  void aPeerIsDisconnectedAndConnectedByName() throws Exception {
    runtime.peerConnected(1, 3);

    Answer disconnected = call("POST", "/peers/bravo/disconnect");

    assertThat(disconnected.status()).as("%s", disconnected.body()).isEqualTo(200);
    assertThat(peer(disconnected.body(), "bravo").get("connection").asText()).isEqualTo("StandAlone");
    assertThat(peer(disconnected.body(), "charlie").get("connection").asText()).isEqualTo("Connecting");
    assertThat(transport.holds).containsExactly("1 true");

    Answer connected = call("POST", "/peers/bravo/connect");

    assertThat(connected.status()).as("%s", connected.body()).isEqualTo(200);
    assertThat(peer(connected.body(), "bravo").get("connection").asText()).isEqualTo("Connecting");
    assertThat(transport.holds).containsExactly("1 true", "1 false");
  }

  @Test
  void unknownPeersActionsAndMethodsAreAnsweredWithJsonErrors() throws Exception {
    Answer unknown = call("POST", "/peers/delta/disconnect");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body().get("error").asText()).contains("'delta'", "[bravo, charlie]");

    Answer self = call("POST", "/peers/alpha/connect");
    assertThat(self.status()).isEqualTo(404);

    Answer get = call("GET", "/peers/bravo/disconnect");
    assertThat(get.status()).isEqualTo(405);

    Answer action = call("POST", "/peers/bravo/reboot");
    assertThat(action.status()).isEqualTo(404);
    assertThat(action.body().get("error").asText()).contains("/peers/{name}/disconnect");
    assertThat(transport.holds).isEmpty();
  }

  @Test
  void verifyWithoutAPeerInSyncIsRefusedAndDiscardMyDataIsTakenOnASecondary() throws Exception {
    Answer verify = call("POST", "/verify");
    assertThat(verify.status()).isEqualTo(409);
    assertThat(verify.body().get("error").asText()).contains("nothing to verify");

    Answer discard = call("POST", "/discard-my-data");
    assertThat(discard.status()).isEqualTo(200);
    assertThat(discard.body().get("role").asText()).isEqualTo("Secondary");

    assertThat(call("POST", "/promote").status()).isEqualTo(200);
    Answer refused = call("POST", "/discard-my-data");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.body().get("error").asText()).contains("demote it first");
    assertThat(call("GET", "/verify").status()).isEqualTo(405);
  }

  @Test
  void promoteTakesForceAndRefusesAnyOtherParameter() throws Exception {
    Answer bad = call("POST", "/promote?force=yes");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().get("error").asText()).contains("force=yes").contains("force=true");
    assertThat(runtime.status().role().name()).isEqualTo("Secondary");

    Answer forced = call("POST", "/promote?force=true");
    assertThat(forced.status()).isEqualTo(200);
    assertThat(forced.body().get("role").asText()).isEqualTo("Primary");
  }

  @Test
  void eventsStartWithTheStatusThenAChangeLineEachUntilTheServerCloses() throws Exception {
    HttpURLConnection connection = (HttpURLConnection) new URL(uri("/events").toString()).openConnection();
    connection.setReadTimeout(10_000);
    assertThat(connection.getResponseCode()).isEqualTo(200);
    assertThat(connection.getContentType()).isEqualTo("application/x-ndjson");
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(connection.getInputStream(),
        StandardCharsets.UTF_8))) {
      JsonNode first = JSON.readTree(lines.readLine());
      assertThat(first.get("type").asText()).isEqualTo("status");
      assertThat(first.get("role").asText()).isEqualTo("Secondary");
      assertThat(first.get("volumes").get(0).get("disk_state").asText()).isEqualTo("UpToDate");
      assertThat(peer(first, "bravo").get("connection").asText()).isEqualTo("Connecting");
      assertThat(peer(first, "bravo").has("queued_bytes")).isTrue();

      assertThat(call("POST", "/promote").status()).isEqualTo(200);

      assertThat(JSON.readTree(lines.readLine())).isEqualTo(JSON.readTree(
          "{\"type\":\"change\",\"what\":\"role\",\"role\":\"Primary\"}"));

      runtime.peerConnected(2, 5);

      assertThat(JSON.readTree(lines.readLine())).isEqualTo(JSON.readTree(
          "{\"type\":\"change\",\"what\":\"peer\",\"peer\":\"charlie\",\"node_id\":2,\"connection\":\"Connected\"}"));

      admin.close();
      assertThat(lines.readLine()).as("the stream ends when the server closes").isNull();
    }
  }

  @Test
  void everyKindOfChangeHasItsLine() {
    assertThat(AdminServer.changeJson(new StateChange.DiskChange(0, DiskState.Failed)))
        .containsExactly(Map.entry("type", "change"), Map.entry("what", "disk"), Map.entry("volume", 0),
            Map.entry("disk_state", "Failed"));
    assertThat(AdminServer.changeJson(new StateChange.QuorumChange(
        new QuorumVerdict(false, "1 of 3 nodes visible, need 2"))))
        .containsEntry("what", "quorum").containsEntry("quorum", false)
        .containsEntry("quorum_reason", "1 of 3 nodes visible, need 2");
    assertThat(AdminServer.changeJson(new StateChange.ReplicationChange("bravo", 0,
        ReplicationState.SyncSource)))
        .containsEntry("what", "replication").containsEntry("peer", "bravo").containsEntry("replication", "SyncSource");
    assertThat(AdminServer.changeJson(new StateChange.ResyncChange("bravo", 0, 42)))
        .containsEntry("what", "resync").containsEntry("done_percentage", 42);
    assertThat(AdminServer.changeJson(new StateChange.RoleChange(Role.Primary))).containsEntry("role", "Primary");
  }

  @Test
  void aClientTooFarBehindIsEndedWithoutBlockingTheWatch() throws Exception {
    AdminServer.EventStream stream = new AdminServer.EventStream(3, change -> change.toString());
    StateChange change = new StateChange.RoleChange(Role.Primary);

    stream.accept(List.of(change, change, change));
    assertThat(stream.endReason()).isNull();
    stream.accept(List.of(change));

    assertThat(stream.endReason()).isEqualTo(AdminServer.EventStream.OVERFLOW);
    assertThat(stream.next(1, TimeUnit.SECONDS)).as("the queued lines are dropped; the writer wakes").isEmpty();
    stream.accept(List.of(change));
    assertThat(stream.next(10, TimeUnit.MILLISECONDS)).isNull();
  }
}
