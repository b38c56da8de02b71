package io.tandem.engine.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.engine.core.Provisioning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineConfigTest {

  @TempDir
  Path folder;

  private Path write(String json) throws IOException {
    return Files.writeString(folder.resolve("resource.json"), json);
  }

  private static final String NODE = "{\"name\": \"alpha\", \"node_id\": 0, \"address\": \"127.0.0.1:7000\","
      + " \"data_dir\": \"alpha\", \"nbd\": \"127.0.0.1:10809\", \"admin\": \"127.0.0.1:7100\"}";

  @Test
  void theShippedExamplesParse() throws Exception {
    EngineConfig single = EngineConfig.read(Path.of("examples/single.json"));
    assertThat(single.nodes()).hasSize(1);
    assertThat(single.volumes().get(0).sizeBytes()).isEqualTo(1L << 30);
    EngineConfig three = EngineConfig.read(Path.of("examples/three-nodes.json"));
    assertThat(three.nodes()).extracting(EngineConfig.Node::name).containsExactly("alpha", "bravo", "charlie");
    assertThat(three.node("bravo").nbd().getHostString()).isEqualTo("127.0.0.2");
    assertThat(three.quorum()).isEqualTo("majority");
  }

  @Test
  void dataDirectoriesAreRelativeToTheConfigFile() throws Exception {
    EngineConfig config = EngineConfig.read(write("{\"resource\": \"r0\", \"secret\": \"s\", \"volumes\":"
        + " [{\"number\": 0, \"size_kib\": 4096, \"provisioning\": \"thick\"}], \"nodes\": [" + NODE + "]}"));
    assertThat(config.node("alpha").dataDirectory()).isEqualTo(folder.resolve("alpha").toAbsolutePath());
    assertThat(config.volumes().get(0).provisioning()).isEqualTo(Provisioning.THICK);
    assertThat(config.protocol()).isEqualTo(EngineConfig.Protocol.C);
    assertThat(config.onNoQuorum()).isEqualTo(EngineConfig.OnNoQuorum.IO_ERROR);
  }

  @Test
  void problemsNameTheFileTheKeyAndWhatIsAccepted() throws Exception {
    assertThatThrownBy(() -> EngineConfig.read(write("{\"resource\": \"r0\"")))
        .hasMessageContaining("is not valid JSON");
    assertThatThrownBy(() -> EngineConfig.read(write("{\"resource\": \"r0\", \"secret\": \"s\", \"volumes\": [],"
        + " \"nodes\": [" + NODE + "]}")))
        .hasMessageContaining("volumes: at least one volume");
    assertThatThrownBy(() -> EngineConfig.read(write("{\"resource\": \"r0\", \"secret\": \"s\", \"volumes\":"
        + " [{\"number\": 0, \"size_kib\": 4097}], \"nodes\": [" + NODE + "]}")))
        .hasMessageContaining("volumes[0].size_kib: 4097 is not a multiple of 4");
    assertThatThrownBy(() -> EngineConfig.read(write("{\"resource\": \"r0\", \"secret\": \"s\", \"protocol\": \"D\","
        + " \"volumes\": [{\"number\": 0, \"size_kib\": 4096}], \"nodes\": [" + NODE + "]}")))
        .hasMessageContaining("protocol: 'D' is not one of [a, b, c]");
    assertThatThrownBy(() -> EngineConfig.read(write("{\"resource\": \"r0\", \"secret\": \"s\", \"volumes\":"
        + " [{\"number\": 0, \"size_kib\": 4096}], \"nodes\": [" + NODE + ", " + NODE + "]}")))
        .hasMessageContaining("nodes[1].name: node 'alpha' is defined twice");
    assertThatThrownBy(() -> EngineConfig.read(write("{\"resource\": \"r0\", \"secret\": \"s\", \"volumes\":"
        + " [{\"number\": 0, \"size_kib\": 4096}], \"nodes\": [" + NODE.replace("127.0.0.1:7000", "nowhere")
        + "]}")))
        .hasMessageContaining("nodes[0].address: 'nowhere' is not host:port");
    assertThatThrownBy(() -> EngineConfig.read(folder.resolve("missing.json")))
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> EngineConfig.read(write("{\"resource\": \"r0\", \"secret\": \"s\", \"volumes\":"
        + " [{\"number\": 0, \"size_kib\": 4096}], \"nodes\": [" + NODE + "]}")).node("zulu"))
        .hasMessageContaining("no node named 'zulu'");
  }

  private static final String VOLUMES = "\"volumes\": [{\"number\": 0, \"size_kib\": 4096}], \"nodes\": [" + NODE + "]";

  @Test
  void splitBrainPolicyAndResyncRate() throws Exception {
    EngineConfig defaults = EngineConfig.read(write("{\"resource\": \"r0\", \"secret\": \"s\", " + VOLUMES + "}"));
    assertThat(defaults.splitBrain()).isEqualTo(io.tandem.engine.core.SplitBrainPolicy.DISCONNECT);
    assertThat(defaults.resyncRate().unlimited()).isTrue();
    EngineConfig fixed = EngineConfig.read(write("{\"resource\": \"r0\", \"secret\": \"s\", \"split_brain\":"
        + " \"discard-least-changes\", \"resync\": {\"rate_kib\": 10240}, " + VOLUMES + "}"));
    assertThat(fixed.splitBrain()).isEqualTo(io.tandem.engine.core.SplitBrainPolicy.DISCARD_LEAST_CHANGES);
    assertThat(fixed.resyncRate()).isEqualTo(io.tandem.engine.core.ResyncRate.fixed(10240));
    EngineConfig dynamic = EngineConfig.read(write("{\"resource\": \"r0\", \"secret\": \"s\", \"resync\":"
        + " {\"min_rate_kib\": 1024, \"max_rate_kib\": 102400}, " + VOLUMES + "}"));
    assertThat(dynamic.resyncRate()).isEqualTo(io.tandem.engine.core.ResyncRate.dynamic(1024, 102400));

    assertThatThrownBy(() -> EngineConfig.read(write("{\"resource\": \"r0\", \"secret\": \"s\", \"split_brain\":"
        + " \"discard-everything\", " + VOLUMES + "}")))
        .hasMessageContaining("split_brain: 'discard-everything' is not one of [disconnect, discard-zero-changes,");
    assertThatThrownBy(() -> EngineConfig.read(write("{\"resource\": \"r0\", \"secret\": \"s\", \"resync\":"
        + " {\"rate_kib\": 5, \"max_rate_kib\": 10}, " + VOLUMES + "}")))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> EngineConfig.read(write("{\"resource\": \"r0\", \"secret\": \"s\", \"resync\":"
        + " {\"min_rate_kib\": 50, \"max_rate_kib\": 10}, " + VOLUMES + "}")))
        .hasMessageContaining("resync.min_rate_kib");
  }
}
