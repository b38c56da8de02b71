package io.tandem.satellite.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.link.LinkMessage.PoolObservation;
import io.tandem.link.LinkMessage.PoolSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a pool looks like on disk, and every reason it can be unusable. */
class PoolInspectorTest {
    private static final ProviderProbe.Providers FILE_ONLY = new ProviderProbe.Providers(
            List.of("DISKLESS", "FILE", "FILE_THIN"),
            Map.of("LVM", List.of("'vgs' is not installed (not found on PATH)", "'lvs' is not installed (not found on PATH)"),
                    "ZFS", List.of("the ZFS kernel module is not loaded (/dev/zfs is missing)")));

    @TempDir
    Path temp;

    private static PoolSpec pool(String kind, Map<String, String> props) {
        return new PoolSpec("pool-1", kind, props);
    }

    private static PoolSpec fileDirPool(String kind, Path directory) {
        return pool(kind, Map.of("StorDriver/FileDir", directory.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"FILE", "FILE_THIN"})
    void aDirectoryThatIsThereHasTheFilesystemsCapacity(String kind) throws IOException {
        PoolObservation observed = PoolInspector.inspect(fileDirPool(kind, temp), FILE_ONLY);

        assertThat(observed.name()).isEqualTo("pool-1");
        assertThat(observed.providerKind()).isEqualTo(kind);
        assertThat(observed.problems()).isEmpty();
        long totalKib = Files.getFileStore(temp).getTotalSpace() / 1024;
        assertThat(observed.totalKib()).isPositive().isEqualTo(totalKib);
        assertThat(observed.freeKib()).isNotNegative().isLessThanOrEqualTo(observed.totalKib());
        assertThat(observed.allocatedKib()).isZero();
        try (var left = Files.list(temp)) {
            assertThat(left).as("the write probe cleans up after itself").isEmpty();
        }
    }

    @Test
    void thePoolNamePropertyIsTheFallbackForTheDirectory() {
        PoolObservation observed = PoolInspector.inspect(
                pool("FILE_THIN", Map.of("StorDriver/StorPoolName", temp.toString())), FILE_ONLY);
        assertThat(observed.problems()).isEmpty();
        assertThat(observed.totalKib()).isPositive();
    }

    @Test
    void fileDirWinsOverThePoolName() {
        Path missing = temp.resolve("missing");
        PoolObservation observed = PoolInspector.inspect(pool("FILE", Map.of(
                "StorDriver/FileDir", missing.toString(), "StorDriver/StorPoolName", temp.toString())), FILE_ONLY);
        assertThat(observed.problems()).singleElement().asString().contains(missing.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"FILE", "FILE_THIN"})
    void aMissingDirectoryIsAProblemNamingIt(String kind) {
        Path missing = temp.resolve("no-such-pool");
        PoolObservation observed = PoolInspector.inspect(fileDirPool(kind, missing), FILE_ONLY);

        assertThat(observed.problems()).singleElement().asString()
                .contains("Directory " + missing + " does not exist")
                .contains("mkdir -p " + missing)
                .contains("StorDriver/FileDir");
        assertThat(observed.freeKib()).isNull();
        assertThat(observed.totalKib()).isNull();
        assertThat(missing).as("the satellite never creates a pool directory").doesNotExist();
    }

    @Test
    void aRegularFileInsteadOfADirectoryIsAProblem() throws IOException {
        Path file = Files.writeString(temp.resolve("pool-file"), "not a directory");
        PoolObservation observed = PoolInspector.inspect(fileDirPool("FILE_THIN", file), FILE_ONLY);

        assertThat(observed.problems()).singleElement().asString()
                .isEqualTo(file + " exists but is not a directory.");
        assertThat(observed.totalKib()).isNull();
    }

    @Test
    void noDirectoryConfiguredIsAProblemNamingTheProperty() {
        for (Map<String, String> props : List.of(Map.<String, String>of(), Map.of("StorDriver/FileDir", "  "))) {
            assertThat(PoolInspector.inspect(pool("FILE", props), FILE_ONLY).problems()).singleElement().asString()
                    .isEqualTo("No directory configured (property StorDriver/FileDir).");
        }
        assertThat(PoolInspector.inspect(pool("FILE", null), FILE_ONLY).problems()).singleElement().asString()
                .contains("StorDriver/FileDir");
    }

    @Test
    void anInvalidPathIsAProblem() {
        PoolObservation observed = PoolInspector.inspect(pool("FILE", Map.of("StorDriver/FileDir", "/tmp/a\0b")),
                FILE_ONLY);
        assertThat(observed.problems()).singleElement().asString().contains("is not a valid path");
    }

    @Test
    void aDisklessPoolIsUnlimited() {
        PoolObservation observed = PoolInspector.inspect(pool("DISKLESS", Map.of()), FILE_ONLY);
        assertThat(observed).isEqualTo(new PoolObservation("pool-1", "DISKLESS", Long.MAX_VALUE, Long.MAX_VALUE, 0L,
                List.of()));
        assertThat(PoolInspector.UNLIMITED).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void anUnsupportedKindIsAProblemWithTheProbesReasons() {
        PoolObservation observed = PoolInspector.inspect(pool("LVM", Map.of("StorDriver/LvmVg", "vg0")), FILE_ONLY);
        assertThat(observed.problems()).singleElement().asString().isEqualTo(
                "This node does not support LVM pools: 'vgs' is not installed (not found on PATH); "
                        + "'lvs' is not installed (not found on PATH).");
        assertThat(observed.freeKib()).isNull();
        assertThat(observed.totalKib()).isNull();
        assertThat(observed.allocatedKib()).isNull();
    }

    @Test
    void anUnknownKindIsAProblem() {
        PoolObservation observed = PoolInspector.inspect(pool("SPDK", Map.of()), FILE_ONLY);
        assertThat(observed.problems()).singleElement().asString()
                .isEqualTo("This node does not support SPDK pools: unknown provider kind.");
    }

    @Test
    void aSupportedKindThisVersionDoesNotManageIsAProblem() {
        ProviderProbe.Providers withLvm = new ProviderProbe.Providers(List.of("DISKLESS", "FILE", "FILE_THIN", "LVM"),
                Map.of());
        PoolObservation observed = PoolInspector.inspect(pool("LVM", Map.of()), withLvm);
        assertThat(observed.problems()).singleElement().asString()
                .isEqualTo("LVM pools are not managed by this satellite version yet.");
    }
}
