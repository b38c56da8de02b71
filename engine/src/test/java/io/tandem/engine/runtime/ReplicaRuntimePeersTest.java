package io.tandem.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tandem.engine.core.ConnectionState;
import io.tandem.engine.core.DataOperation;
import io.tandem.engine.core.Durability;
import io.tandem.engine.core.Effect;
import io.tandem.engine.core.Event;
import io.tandem.engine.core.IoStatus;
import io.tandem.engine.core.Peer;
import io.tandem.engine.core.Provisioning;
import io.tandem.engine.core.ReplicaSettings;
import io.tandem.engine.core.ReplicaStatus;
import io.tandem.engine.core.Role;
import io.tandem.engine.core.VolumeSetup;
import io.tandem.engine.storage.ChannelFileSystem;
import io.tandem.engine.volume.VolumeFileNames;
import io.tandem.engine.volume.VolumeStorage;
import io.tandem.engine.wire.Ping;
import io.tandem.engine.wire.WireMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime between the core and a peer transport: effects out in order, connection events in, state merged. */
class ReplicaRuntimePeersTest {

  /** Records every call, in order ("send 1 #7 PING", "hold 1 true: why"); connection states are set by the test. */
  static final class FakeTransport implements PeerTransport {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<Integer, ConnectionState> states = new ConcurrentHashMap<>();
    final Map<Integer, Long> queued = new ConcurrentHashMap<>();

    @Override
    public void send(int nodeId, long connectionId, WireMessage message) {
      calls.add("send " + nodeId + " #" + connectionId + " " + message.type());
    }

    @Override
    public void hold(int nodeId, boolean hold, String reason) {
      calls.add("hold " + nodeId + " " + hold + ": " + reason);
      states.put(nodeId, hold ? ConnectionState.StandAlone : ConnectionState.Connecting);
    }

    @Override
    public ConnectionState connectionState(int nodeId) {
      return states.getOrDefault(nodeId, ConnectionState.StandAlone);
    }

    @Override
    public long queuedBytes(int nodeId) {
      return queued.getOrDefault(nodeId, 0L);
    }
  }

  @TempDir
  Path folder;

  private final FakeTransport transport = new FakeTransport();
  private ReplicaRuntime runtime;

  @BeforeEach
  void open() throws Exception {
    VolumeFileNames names = VolumeFileNames.in(folder.toString(), "r0", 0);
    List<Peer> peers = List.of(new Peer("bravo", 1), new Peer("charlie", 2));
    VolumeStorage storage = VolumeStorage.openOrCreate(new ChannelFileSystem(), names,
        new VolumeStorage.Creation(16L << 20, 0, peers, Provisioning.THIN, 7));
    runtime = new ReplicaRuntime(new ReplicaSettings("r0", "alpha", 0, peers, 67),
        List.of(VolumeSetup.diskful(0, Provisioning.THIN, storage.image())), Map.of(0, storage), 0,
        ReplicaRuntime.InvariantChecks.AFTER_EVERY_EVENT);
    runtime.start().get(10, TimeUnit.SECONDS);
    runtime.usePeerTransport(transport);
  }

  @AfterEach
  void close() throws Exception {
    runtime.close();
  }

  private ConnectionState connection(String peer) {
    return runtime.status().peers().stream().filter(p -> p.name().equals(peer)).findFirst().orElseThrow()
        .connection();
  }

  @Test
  void peerEffectsGoToTheTransportInTheirOrderAndTheOthersStayForDispatch() {
    Effect io = new Effect.DataIo(1, 0, DataOperation.READ, 0, 4096, null, Durability.CACHED);
    Effect done = new Effect.RequestCompleted(9, IoStatus.OK, null, null);
    List<Effect> effects = List.of(new Effect.SendToPeer(1, 7, new Ping(1)), io,
        new Effect.HoldPeer(2, true, "split brain"), new Effect.SendToPeer(1, 7, new Ping(2)), done,
        new Effect.HoldPeer(2, false, "resolved"));

    List<Effect> others = runtime.routePeerEffects(effects);

    assertThat(others).containsExactly(io, done);
    assertThat(transport.calls).containsExactly("send 1 #7 PING", "hold 2 true: split brain", "send 1 #7 PING",
        "hold 2 false: resolved");
    assertThat(runtime.routePeerEffects(List.of(io, done))).containsExactly(io, done);
  }

  @Test
  void anOperatorDisconnectHoldsThePeerBeforeItCompletesAndConnectReleasesIt() throws Exception {
    transport.states.put(1, ConnectionState.Connecting);
    runtime.peerConnected(1, 7);
    assertThat(connection("bravo")).isEqualTo(ConnectionState.Connected);

    CompletableFuture<Effect.RequestCompleted> answer = new CompletableFuture<>();
    runtime.submit(id -> new Event.PeerCommand(id, 1, false), completed -> {
      transport.calls.add("completed " + completed.status());
      answer.complete(completed);
    });
    Effect.RequestCompleted disconnected = answer.get(5, TimeUnit.SECONDS);

    assertThat(disconnected.status()).isEqualTo(IoStatus.OK);
    assertThat(transport.calls).filteredOn(call -> !call.startsWith("send "))
        .containsExactly("hold 1 true: disconnect requested by an operator", "completed OK");
    assertThat(connection("bravo")).isEqualTo(ConnectionState.StandAlone);

    // the transport reports the end of the held connection afterwards
    runtime.peerDisconnected(1, 7, "held StandAlone");
    assertThat(connection("bravo")).isEqualTo(ConnectionState.StandAlone);

    assertThat(runtime.request(id -> new Event.PeerCommand(id, 1, true)).get(5, TimeUnit.SECONDS).status())
        .isEqualTo(IoStatus.OK);
    assertThat(transport.calls).last().isEqualTo("hold 1 false: connect requested by an operator");
    assertThat(connection("bravo")).isEqualTo(ConnectionState.Connecting);
  }

  @Test
  void connectionEventsSetThePeersStateAndAStaleDisconnectIsIgnored() {
    assertThat(connection("bravo")).as("no transport activity").isEqualTo(ConnectionState.StandAlone);
    transport.states.put(1, ConnectionState.Connecting);
    assertThat(connection("bravo")).as("the transport tries").isEqualTo(ConnectionState.Connecting);

    runtime.peerConnected(1, 7);
    runtime.peerReceived(1, 7, new Ping(1));
    runtime.peerDisconnected(1, 7, "connection closed by the peer");
    runtime.peerConnected(1, 8);
    assertThat(connection("bravo")).isEqualTo(ConnectionState.Connected);
    // a late end of an older connection does not end the newer one
    runtime.peerDisconnected(1, 7, "late");
    assertThat(connection("bravo")).isEqualTo(ConnectionState.Connected);
    assertThat(connection("charlie")).isEqualTo(ConnectionState.StandAlone);

    runtime.peerDisconnected(1, 8, "connection closed by the peer");
    assertThat(connection("bravo")).isEqualTo(ConnectionState.Connecting);
    transport.queued.put(2, 4096L);
    assertThat(runtime.queuedBytes(2)).isEqualTo(4096);
  }

  @Test
  void aWatchReportsConnectionAndRoleChangesAfterItsInitialStatus() throws Exception {
    List<StateChange> heard = new CopyOnWriteArrayList<>();
    try (StateWatch.Subscription subscription = runtime.watch(heard::addAll)) {
      ReplicaStatus initial = subscription.initial();
      assertThat(initial.role()).isEqualTo(Role.Secondary);
      assertThat(initial.peers()).allSatisfy(peer -> assertThat(peer.connection())
          .isEqualTo(ConnectionState.StandAlone));

      transport.states.put(2, ConnectionState.Connecting);
      await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains(
          new StateChange.ConnectionChange("charlie", 2, ConnectionState.Connecting)));
      runtime.peerConnected(1, 7);
      assertThat(runtime.request(id -> new Event.RoleRequest(id, Role.Primary)).get(5, TimeUnit.SECONDS).status())
          .isEqualTo(IoStatus.OK);

      await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains(new StateChange.RoleChange(Role.Primary))
          && heard.contains(new StateChange.ConnectionChange("bravo", 1, ConnectionState.Connected)));
      assertThat(heard).doesNotHaveDuplicates();
      assertThat(heard).hasOnlyElementsOfTypes(StateChange.ConnectionChange.class, StateChange.RoleChange.class);
    }
    int before = heard.size();
    runtime.peerDisconnected(1, 7, "gone");
    Thread.sleep(4 * StateWatch.INTERVAL_MILLIS);
    assertThat(heard).as("nothing after the subscription closed").hasSize(before);
  }
}
