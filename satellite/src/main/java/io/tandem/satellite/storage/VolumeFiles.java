package io.tandem.satellite.storage;

import io.tandem.link.LinkMessage.VolumeObservation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backing files of volumes in file-backed pools: {@code <resource>_<volume, 5 digits>.img}
 * in the pool's directory, preallocated for FILE pools and sparse for FILE_THIN pools, each listed
 * in the directory's {@link PoolManifest}. Operations on one directory are serialised, so that
 * reconciling several resources at once keeps the manifest consistent.
 */
public final class VolumeFiles {
    private static final Logger log = LoggerFactory.getLogger(VolumeFiles.class);
    /** Resource names as the controller validates them; anything else never becomes a path. */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,47}");
    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private VolumeFiles() {
    }

    static String fileName(String resource, int volume) {
        return "%s_%05d.img".formatted(resource, volume);
    }

    private static Object lock(Path directory) {
        return LOCKS.computeIfAbsent(directory.toAbsolutePath().normalize(), d -> new Object());
    }

    /**
     * Makes sure the volume's backing file exists with at least {@code sizeKib}; a larger existing
     * file is left as it is (shrinking would destroy data) and reported.
     */
    public static VolumeObservation ensure(Path directory, boolean thick, String pool, String resource, int volume,
                                           long sizeKib) {
        if (!SAFE_NAME.matcher(resource).matches()) {
            return problem(volume, pool, null, "'%s' is not a valid resource name".formatted(resource));
        }
        Path file = directory.resolve(fileName(resource, volume));
        long bytes = sizeKib * 1024;
        synchronized (lock(directory)) {
            try {
                List<PoolManifest.Entry> entries = new ArrayList<>(PoolManifest.read(directory));
                boolean listed = entries.stream().anyMatch(e -> e.resource().equals(resource) && e.volume() == volume);
                if (!listed && Files.exists(file)) {
                    return problem(volume, pool, file, ("%s already exists but was not created by Tandem; it is left "
                            + "untouched. Move it away to let Tandem create the volume.").formatted(file));
                }
                if (!listed) {
                    // listed before the file exists: a crash in between leaves an entry, never an orphan file
                    entries.add(new PoolManifest.Entry(resource, volume, file.getFileName().toString()));
                    PoolManifest.write(directory, entries);
                    log.info("Creating {} ({} KiB, {})", file, sizeKib, thick ? "preallocated" : "thin");
                }
                long current = Files.exists(file) ? Files.size(file) : -1;
                if (current < bytes) {
                    if (thick) {
                        FileSpace.preallocate(file, bytes);
                    } else {
                        FileSpace.growSparse(file, bytes);
                    }
                }
                List<String> problems = new ArrayList<>();
                long size = Files.size(file);
                if (size > bytes) {
                    problems.add("the backing file is %d KiB, larger than the volume's %d KiB; shrinking is not supported"
                            .formatted(size / 1024, sizeKib));
                }
                return new VolumeObservation(volume, pool, file.toString(), size / 1024,
                        FileSpace.allocatedBytes(file) / 1024, problems);
            } catch (IOException e) {
                return problem(volume, pool, file, "cannot create or grow %s: %s".formatted(file, e.getMessage()));
            }
        }
    }

    /** Deletes the listed files of {@code resource} in the directory, except the volumes in {@code keep}. */
    public static List<String> remove(Path directory, String resource, Set<Integer> keep) {
        List<String> problems = new ArrayList<>();
        synchronized (lock(directory)) {
            try {
                List<PoolManifest.Entry> entries = new ArrayList<>(PoolManifest.read(directory));
                List<PoolManifest.Entry> doomed = entries.stream()
                        .filter(e -> e.resource().equals(resource) && !keep.contains(e.volume())).toList();
                for (PoolManifest.Entry entry : doomed) {
                    Path file = directory.resolve(entry.file());
                    try {
                        if (Files.deleteIfExists(file)) {
                            log.info("Deleted {}", file);
                        }
                        entries.remove(entry);
                    } catch (IOException e) {
                        problems.add("cannot delete %s: %s".formatted(file, e.getMessage()));
                    }
                }
                if (!doomed.isEmpty()) {
                    PoolManifest.write(directory, entries);
                }
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    /** The resources that have files listed in the directory. */
    public static Set<String> resourcesIn(Path directory) {
        synchronized (lock(directory)) {
            try {
                Set<String> names = new TreeSet<>();
                PoolManifest.read(directory).forEach(entry -> names.add(entry.resource()));
                return names;
            } catch (IOException e) {
                log.warn("{}", e.getMessage());
                return Set.of();
            }
        }
    }

    /** KiB really allocated by all of Tandem's files in the directory. */
    public static long allocatedKib(Path directory) {
        synchronized (lock(directory)) {
            long total = 0;
            try {
                for (PoolManifest.Entry entry : PoolManifest.read(directory)) {
                    Path file = directory.resolve(entry.file());
                    if (Files.exists(file)) {
                        total += FileSpace.allocatedBytes(file) / 1024;
                    }
                }
            } catch (IOException e) {
                log.warn("{}", e.getMessage());
            }
            return total;
        }
    }

    private static VolumeObservation problem(int volume, String pool, Path file, String problem) {
        return new VolumeObservation(volume, pool, file == null ? null : file.toString(), null, null, List.of(problem));
    }
}
