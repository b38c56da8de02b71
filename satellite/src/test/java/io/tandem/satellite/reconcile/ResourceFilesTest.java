package io.tandem.satellite.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.link.LinkMessage.DesiredState;
import io.tandem.link.LinkMessage.NodeState;
import io.tandem.link.LinkMessage.ObservedState;
import io.tandem.link.LinkMessage.PoolSpec;
import io.tandem.link.LinkMessage.ResourceObservation;
import io.tandem.link.LinkMessage.ResourceSpec;
import io.tandem.link.LinkMessage.VolumeSpec;
import io.tandem.satellite.storage.FileSpace;
import io.tandem.satellite.storage.PoolManifest;
import io.tandem.satellite.storage.ProviderProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resources placed on a node become backing files in their pool: preallocated in FILE pools,
 * sparse in FILE_THIN pools; a resource no longer desired loses exactly its own files, also when
 * it was deleted while the satellite was not running.
 */
class ResourceFilesTest {
    private static final ProviderProbe.Providers FILES_ONLY = new ProviderProbe.Providers(
            List.of("DISKLESS", "FILE", "FILE_THIN"), Map.of());

    @TempDir
    Path thin;
    @TempDir
    Path thick;

    private static PoolSpec pool(String name, String kind, Path directory) {
        return new PoolSpec(name, kind, Map.of("StorDriver/FileDir", directory.toString()));
    }

    private List<PoolSpec> pools() {
        return List.of(pool("thin", "FILE_THIN", thin), pool("thick", "FILE", thick),
                new PoolSpec("DfltDisklessStorPool", "DISKLESS", Map.of()));
    }

    private static ObservedState applied(NodeAgent agent, long version) {
        AtomicReference<ObservedState> state = new AtomicReference<>();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            state.set(agent.observed());
            return state.get().appliedVersion() == version;
        });
        return state.get();
    }

    @Test
    void resourcesBecomeFilesAndGoAwayCompletely() throws Exception {
        Path foreign = Files.writeString(thin.resolve("someone-elses.img"), "keep me");
        Files.writeString(thin.resolve("web_00000.img.bak"), "keep me too");
        try (NodeAgent agent = new NodeAgent(FILES_ONLY)) {
            agent.apply(new DesiredState(1, new NodeState("n1", pools(), List.of(
                    new ResourceSpec("web", List.of(new VolumeSpec(0, 4096, "thin"), new VolumeSpec(1, 2048, "thin"))),
                    new ResourceSpec("db", List.of(new VolumeSpec(0, 1024, "thick"))),
                    new ResourceSpec("client", List.of(new VolumeSpec(0, 1024, null)))))));
            ObservedState observed = applied(agent, 1);

            Path web0 = thin.resolve("web_00000.img");
            Path db0 = thick.resolve("db_00000.img");
            assertThat(Files.size(web0)).isEqualTo(4096 * 1024);
            assertThat(Files.size(thin.resolve("web_00001.img"))).isEqualTo(2048 * 1024);
            assertThat(Files.size(db0)).isEqualTo(1024 * 1024);
            assertThat(FileSpace.allocatedBytes(web0)).as("thin: nothing allocated").isLessThan(64 * 1024);
            assertThat(FileSpace.allocatedBytes(db0)).as("thick: all allocated").isGreaterThanOrEqualTo(1024 * 1024);
            assertThat(observed.resources()).extracting(ResourceObservation::name)
                    .containsExactly("client", "db", "web");
            assertThat(observed.resources().get(2).volumes()).allSatisfy(v -> assertThat(v.problems()).isEmpty());
            assertThat(PoolManifest.read(thin)).hasSize(2);

            // a volume is grown; "db" goes away; "web" loses volume 1
            agent.apply(new DesiredState(2, new NodeState("n1", pools(), List.of(
                    new ResourceSpec("web", List.of(new VolumeSpec(0, 8192, "thin")))))));
            observed = applied(agent, 2);
            assertThat(Files.size(web0)).isEqualTo(8192 * 1024);
            assertThat(thin.resolve("web_00001.img")).doesNotExist();
            assertThat(db0).doesNotExist();
            assertThat(observed.resources()).extracting(ResourceObservation::name).containsExactly("web");
        }
        // the satellite restarts; meanwhile "web" was deleted: its file goes, nothing else does
        try (NodeAgent restarted = new NodeAgent(FILES_ONLY)) {
            restarted.apply(new DesiredState(3, new NodeState("n1", pools(), List.of())));
            ObservedState observed = applied(restarted, 3);
            assertThat(observed.resources()).isEmpty();
        }
        assertThat(thin.resolve("web_00000.img")).doesNotExist();
        assertThat(foreign).hasContent("keep me");
        assertThat(thin.resolve("web_00000.img.bak")).hasContent("keep me too");
        assertThat(PoolManifest.read(thin)).isEmpty();
    }

    @Test
    void aFileThatTandemDidNotCreateIsNeverTakenOver() throws Exception {
        Files.writeString(thin.resolve("web_00000.img"), "precious");
        try (NodeAgent agent = new NodeAgent(FILES_ONLY)) {
            agent.apply(new DesiredState(1, new NodeState("n1", pools(), List.of(
                    new ResourceSpec("web", List.of(new VolumeSpec(0, 1024, "thin")))))));
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(agent.observed().resources()).singleElement().satisfies(resource ->
                            assertThat(resource.volumes().get(0).problems()).singleElement().asString()
                                    .contains("not created by Tandem")));
            agent.apply(new DesiredState(2, new NodeState("n1", pools(), List.of())));
            applied(agent, 2);
        }
        assertThat(thin.resolve("web_00000.img")).hasContent("precious");
    }
}
