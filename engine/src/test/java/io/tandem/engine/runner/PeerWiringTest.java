package io.tandem.engine.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tandem.engine.core.ConnectionState;
import io.tandem.engine.core.Event;
import io.tandem.engine.core.IoStatus;
import io.tandem.engine.core.Peer;
import io.tandem.engine.core.Provisioning;
import io.tandem.engine.core.ReplicaSettings;
import io.tandem.engine.core.ReplicaStatus;
import io.tandem.engine.core.VolumeSetup;
import io.tandem.engine.peer.PeerLinks;
import io.tandem.engine.runtime.ReplicaRuntime;
import io.tandem.engine.storage.ChannelFileSystem;
import io.tandem.engine.volume.VolumeFileNames;
import io.tandem.engine.volume.VolumeStorage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's wiring in one process: runtimes of one config joined by real peer links, as
 * {@link TandemEngine#peerLinks} builds them, on 127.0.0.1-3.
 */
@Timeout(60)
class PeerWiringTest {

  private static final Duration CONNECT = Duration.ofSeconds(10);

  @TempDir
  Path folder;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    // links first, as the runner stops
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  /** The config's nodes alpha, bravo, charlie (ids 0..2) on 127.0.0.1..3, on the ports of {@link #freePorts}. */
  private EngineConfig config(String secret, String name) throws Exception {
    StringBuilder nodes = new StringBuilder();
    String[] names = {"alpha", "bravo", "charlie"};
    for (int i = 0; i < names.length; i++) {
      String host = "127.0.0." + (i + 1);
      nodes.append(i == 0 ? "" : ", ").append("{\"name\": \"").append(names[i]).append("\", \"node_id\": ").append(i)
          .append(", \"address\": \"").append(host).append(':').append(ports.get(i))
          .append("\", \"data_dir\": \"").append(names[i]).append("\", \"nbd\": \"").append(host)
          .append(":10809\", \"admin\": \"").append(host).append(":7100\"}");
    }
    Path file = Files.writeString(folder.resolve(name + ".json"), "{\"resource\": \"r0\", \"secret\": \"" + secret
        + "\", \"volumes\": [{\"number\": 0, \"size_kib\": 16384}], \"nodes\": [" + nodes + "]}");
    return EngineConfig.read(file);
  }

  private void freePorts() throws IOException {
    for (int i = 1; i <= 3; i++) {
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0." + i))) {
        ports.add(probe.getLocalPort());
      }
    }
  }

  /** Starts {@code name}'s runtime and links from {@code config}. */
  private ReplicaRuntime start(EngineConfig config, String name) throws Exception {
    EngineConfig.Node node = config.node(name);
    List<Peer> peers = new ArrayList<>();
    for (EngineConfig.Node other : config.nodes()) {
      if (other != node) {
        peers.add(new Peer(other.name(), other.nodeId()));
      }
    }
    VolumeStorage storage = VolumeStorage.openOrCreate(new ChannelFileSystem(),
        VolumeFileNames.in(Files.createDirectories(folder.resolve(name)).toString(), "r0", 0),
        new VolumeStorage.Creation(16L << 20, node.nodeId(), peers, Provisioning.THIN, 7));
    ReplicaRuntime runtime = new ReplicaRuntime(new ReplicaSettings("r0", name, node.nodeId(), peers, 67),
        List.of(VolumeSetup.diskful(0, Provisioning.THIN, storage.image())), Map.of(0, storage), 2,
        ReplicaRuntime.InvariantChecks.AFTER_EVERY_EVENT);
    toClose.add(runtime);
    runtime.start().get(10, TimeUnit.SECONDS);
    PeerLinks links = TandemEngine.peerLinks(config, node, runtime);
    toClose.add(links);
    links.start();
    return runtime;
  }

  private static Map<String, ConnectionState> connections(ReplicaRuntime runtime) {
    Map<String, ConnectionState> states = new LinkedHashMap<>();
    for (ReplicaStatus.PeerStatus peer : runtime.status().peers()) {
      states.put(peer.name(), peer.connection());
    }
    return states;
  }

  private static boolean allConnected(ReplicaRuntime... runtimes) {
    for (ReplicaRuntime runtime : runtimes) {
      if (!connections(runtime).values().stream().allMatch(state -> state == ConnectionState.Connected)) {
        return false;
      }
    }
    return true;
  }

  @Test
  void threeRuntimesConnectAndAnOperatorDisconnectHoldsOnlyThatPair() throws Exception {
    freePorts();
    EngineConfig config = config("s3cret", "config");
    ReplicaRuntime alpha = start(config, "alpha");
    ReplicaRuntime bravo = start(config, "bravo");
    ReplicaRuntime charlie = start(config, "charlie");
    await().atMost(CONNECT).until(() -> allConnected(alpha, bravo, charlie));

    assertThat(bravo.request(id -> new Event.PeerCommand(id, 0, false)).get(10, TimeUnit.SECONDS).status())
        .isEqualTo(IoStatus.OK);

    assertThat(connections(bravo)).containsEntry("alpha", ConnectionState.StandAlone)
        .containsEntry("charlie", ConnectionState.Connected);
    await().atMost(CONNECT).until(() -> connections(alpha).get("bravo") == ConnectionState.Connecting);
    await().during(Duration.ofMillis(500)).atMost(CONNECT).until(() ->
        connections(bravo).get("alpha") == ConnectionState.StandAlone
            && connections(alpha).get("bravo") == ConnectionState.Connecting
            && connections(alpha).get("charlie") == ConnectionState.Connected);

    assertThat(bravo.request(id -> new Event.PeerCommand(id, 0, true)).get(10, TimeUnit.SECONDS).status())
        .isEqualTo(IoStatus.OK);

    await().atMost(CONNECT).until(() -> allConnected(alpha, bravo, charlie));
  }

  @Test
  void aNodeWithAnotherSecretIsRefusedLoggedAndTheOthersStayConnected() throws Exception {
    List<String> warnings = new CopyOnWriteArrayList<>();
    Handler recorder = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
          warnings.add(record.getMessage());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger(PeerLinks.class.getName());
    logger.addHandler(recorder);
    try {
      freePorts();
      ReplicaRuntime alpha = start(config("s3cret", "config"), "alpha");
      ReplicaRuntime bravo = start(config("s3cret", "config"), "bravo");
      ReplicaRuntime charlie = start(config("another", "other"), "charlie");

      await().atMost(CONNECT).until(() -> connections(alpha).get("bravo") == ConnectionState.Connected
          && warnings.stream().anyMatch(w -> w.contains("node charlie") && w.contains("AUTHENTICATION")));
      await().during(Duration.ofSeconds(1)).atMost(CONNECT).until(() ->
          connections(alpha).get("charlie") == ConnectionState.Connecting
              && connections(charlie).get("alpha") == ConnectionState.Connecting
              && connections(bravo).get("alpha") == ConnectionState.Connected);
    } finally {
      logger.removeHandler(recorder);
    }
  }
}
