package io.tandem.satellite.storage;

import io.tandem.link.LinkMessage.PoolObservation;
import io.tandem.link.LinkMessage.PoolSpec;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Looks at a pool's backing storage. A FILE or FILE_THIN pool is a directory that must exist, be a
 * directory, and be writable by the satellite; the satellite never creates it (a typo in the path
 * must not silently put volumes on the root filesystem). Capacity is the filesystem's.
 */
public final class PoolInspector {
    /** LINSTOR reports this for diskless pools: unlimited. */
    static final long UNLIMITED = Long.MAX_VALUE;
    private static final String FILE_DIR = "StorDriver/FileDir";
    private static final String POOL_NAME = "StorDriver/StorPoolName";

    private PoolInspector() {
    }

    public static PoolObservation inspect(PoolSpec pool, ProviderProbe.Providers providers) {
        String kind = pool.providerKind();
        if ("DISKLESS".equals(kind)) {
            return new PoolObservation(pool.name(), kind, UNLIMITED, UNLIMITED, 0L, List.of());
        }
        if (!providers.supports(kind)) {
            List<String> why = providers.unsupported().getOrDefault(kind, List.of("unknown provider kind"));
            return problem(pool, "This node does not support %s pools: %s.".formatted(kind, String.join("; ", why)));
        }
        if ("FILE".equals(kind) || "FILE_THIN".equals(kind)) {
            return inspectDirectory(pool);
        }
        return problem(pool, "%s pools are not managed by this satellite version yet.".formatted(kind));
    }

    /** The directory of a usable FILE/FILE_THIN pool, or null (the pool's observation says why). */
    public static Path directoryOf(PoolSpec pool) {
        if (!"FILE".equals(pool.providerKind()) && !"FILE_THIN".equals(pool.providerKind())) {
            return null;
        }
        Map<String, String> props = pool.props() == null ? Map.of() : pool.props();
        String configured = props.getOrDefault(FILE_DIR, props.get(POOL_NAME));
        try {
            Path directory = configured == null ? null : Path.of(configured);
            return directory != null && Files.isDirectory(directory) ? directory : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static PoolObservation inspectDirectory(PoolSpec pool) {
        Map<String, String> props = pool.props() == null ? Map.of() : pool.props();
        String configured = props.getOrDefault(FILE_DIR, props.get(POOL_NAME));
        if (configured == null || configured.isBlank()) {
            return problem(pool, "No directory configured (property %s).".formatted(FILE_DIR));
        }
        Path directory;
        try {
            directory = Path.of(configured);
        } catch (InvalidPathException e) {
            return problem(pool, "'%s' is not a valid path: %s.".formatted(configured, e.getMessage()));
        }
        if (!Files.exists(directory)) {
            return problem(pool, "Directory %s does not exist on this node; create it (mkdir -p %s) or fix %s."
                    .formatted(directory, directory, FILE_DIR));
        }
        if (!Files.isDirectory(directory)) {
            return problem(pool, "%s exists but is not a directory.".formatted(directory));
        }
        String notWritable = writeProbe(directory);
        if (notWritable != null) {
            return problem(pool, "Directory %s is not writable by the satellite: %s.".formatted(directory, notWritable));
        }
        try {
            FileStore store = Files.getFileStore(directory);
            long totalKib = store.getTotalSpace() / 1024;
            long freeKib = store.getUsableSpace() / 1024;
            return new PoolObservation(pool.name(), pool.providerKind(), freeKib, totalKib,
                    VolumeFiles.allocatedKib(directory), List.of());
        } catch (IOException e) {
            return problem(pool, "Cannot read the capacity of %s: %s.".formatted(directory, e.getMessage()));
        }
    }

    /** Root can write anywhere by permission bits, but not to a read-only filesystem: try it. */
    private static String writeProbe(Path directory) {
        Path probe = directory.resolve(".tandem-write-probe-" + ProcessHandle.current().pid());
        try {
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            return null;
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // the probe file was never created
            }
        }
    }

    private static PoolObservation problem(PoolSpec pool, String problem) {
        List<String> problems = new ArrayList<>();
        problems.add(problem);
        return new PoolObservation(pool.name(), pool.providerKind(), null, null, null, problems);
    }
}
