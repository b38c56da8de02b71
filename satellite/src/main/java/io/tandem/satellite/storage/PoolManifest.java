package io.tandem.satellite.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The list of backing files Tandem created in a pool directory, kept in the directory itself
 * ({@value #FILE_NAME}). Deleting a volume removes only a file listed here, so nothing else that
 * lives in the directory is ever touched; and after a satellite restart the list tells which
 * files belong to resources that were deleted meanwhile. Written atomically (temporary file,
 * fsync, rename).
 */
public final class PoolManifest {
    public static final String FILE_NAME = ".tandem-volumes.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One backing file: which resource and volume it holds, and its name in the directory. */
    public record Entry(String resource, int volume, String file) {
    }

    private PoolManifest() {
    }

    public static List<Entry> read(Path directory) throws IOException {
        Path manifest = directory.resolve(FILE_NAME);
        if (!Files.exists(manifest)) {
            return List.of();
        }
        try {
            return JSON.readValue(manifest.toFile(), new TypeReference<List<Entry>>() { });
        } catch (IOException e) {
            throw new IOException("the volume list " + manifest + " is unreadable (" + e.getMessage()
                    + "); it must be repaired or removed by hand", e);
        }
    }

    public static void write(Path directory, List<Entry> entries) throws IOException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(Entry::resource).thenComparingInt(Entry::volume));
        Path temporary = directory.resolve(FILE_NAME + ".tmp");
        Files.write(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(sorted));
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temporary, directory.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // not every filesystem lets a directory be synced; the rename is still atomic
        }
    }
}
