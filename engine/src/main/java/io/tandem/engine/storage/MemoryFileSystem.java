package io.tandem.engine.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * An in-memory file system that can crash, for tests and the simulation (after pebble's crashable
 * {@code MemFS}).
 *
 * <p>Each file keeps its durable content (as of its last {@code sync}) apart from the list of
 * unsynced operations since. Reads see both. {@link #crash(Random)} turns every file into its
 * durable content plus, for each unsynced operation in order, a choice made by the Random alone:
 * dropped, applied, or — for a write spanning a 512-byte sector boundary — torn at one such
 * boundary (only the sectors before it, or only those after it, reach the "disk"). Files are
 * visited in path order, so the outcome depends on nothing but the Random's seed. Creating and
 * deleting files is durable at once (the real implementation forces the directory).
 *
 * <p>Every handle open at the crash is dead afterwards: using it throws.
 */
public final class MemoryFileSystem implements FileSystem {

  /** The unit a disk writes atomically; a torn write splits at a multiple of it. */
  public static final int SECTOR_BYTES = 512;

  private final Map<String, StoredFile> files = new TreeMap<>();
  private long crashCount;

  @Override
  public BlockFile create(String path) throws IOException {
    if (files.containsKey(path)) {
      throw new IOException("file already exists: " + path);
    }
    StoredFile file = new StoredFile();
    files.put(path, file);
    return new MemoryBlockFile(path, file, crashCount);
  }

  @Override
  public BlockFile open(String path) throws IOException {
    StoredFile file = files.get(path);
    if (file == null) {
      throw new IOException("no such file: " + path);
    }
    return new MemoryBlockFile(path, file, crashCount);
  }

  @Override
  public boolean exists(String path) {
    return files.containsKey(path);
  }

  @Override
  public void delete(String path) throws IOException {
    if (files.remove(path) == null) {
      throw new IOException("no such file: " + path);
    }
  }

  /** The number of unsynced operations (writes and resizes) over all files. */
  public int unsyncedOperationCount() {
    return files.values().stream().mapToInt(file -> file.unsynced.size()).sum();
  }

  /**
   * Simulates a power loss: synced data survives; each unsynced operation is dropped, applied or
   * torn as the Random decides. Open handles become unusable.
   */
  public void crash(Random random) {
    for (StoredFile file : files.values()) {
      byte[] content = file.durable;
      for (Operation operation : file.unsynced) {
        content = survivorOf(operation, content, random);
      }
      file.durable = content;
      file.current = content.clone();
      file.unsynced.clear();
    }
    crashCount++;
  }

  private static byte[] survivorOf(Operation operation, byte[] content, Random random) {
    if (operation instanceof Resize resize) {
      return random.nextBoolean() ? Arrays.copyOf(content, Math.toIntExact(resize.sizeBytes)) : content;
    }
    Write write = (Write) operation;
    long start = write.position;
    long end = write.position + write.bytes.length;
    long firstBoundary = (start / SECTOR_BYTES + 1) * SECTOR_BYTES;
    long boundaries = firstBoundary < end ? (end - 1 - firstBoundary) / SECTOR_BYTES + 1 : 0;
    int choice = random.nextInt(boundaries > 0 ? 4 : 2);
    switch (choice) {
      case 0:
        return content;
      case 1:
        return applied(content, start, write.bytes, 0, write.bytes.length);
      default:
        long boundary = firstBoundary + SECTOR_BYTES * (long) random.nextInt(Math.toIntExact(boundaries));
        int split = Math.toIntExact(boundary - start);
        return choice == 2
            ? applied(content, start, write.bytes, 0, split)
            : applied(content, start, write.bytes, split, write.bytes.length - split);
    }
  }

  private static byte[] applied(byte[] content, long position, byte[] bytes, int offset, int length) {
    long target = position + offset;
    byte[] result = content.length < target + length
        ? Arrays.copyOf(content, Math.toIntExact(target + length))
        : content.clone();
    System.arraycopy(bytes, offset, result, Math.toIntExact(target), length);
    return result;
  }

  private sealed interface Operation permits Write, Resize {}

  private record Write(long position, byte[] bytes) implements Operation {}

  private record Resize(long sizeBytes) implements Operation {}

  private static final class StoredFile {
    byte[] durable = new byte[0];
    byte[] current = new byte[0];
    final List<Operation> unsynced = new ArrayList<>();
  }

  private final class MemoryBlockFile implements BlockFile {
    private final String path;
    private final StoredFile file;
    private final long openedBeforeCrash;
    private boolean closed;

    MemoryBlockFile(String path, StoredFile file, long openedBeforeCrash) {
      this.path = path;
      this.file = file;
      this.openedBeforeCrash = openedBeforeCrash;
    }

    @Override
    public String path() {
      return path;
    }

    private void checkUsable() throws IOException {
      if (closed) {
        throw new IOException("file is closed: " + path);
      }
      if (openedBeforeCrash != crashCount) {
        throw new IOException("file handle did not survive the crash: " + path);
      }
    }

    @Override
    public int read(long position, ByteBuffer destination) throws IOException {
      checkUsable();
      if (position >= file.current.length) {
        return 0;
      }
      int length = (int) Math.min(destination.remaining(), file.current.length - position);
      destination.put(file.current, Math.toIntExact(position), length);
      return length;
    }

    @Override
    public void write(long position, ByteBuffer source) throws IOException {
      checkUsable();
      byte[] bytes = new byte[source.remaining()];
      source.get(bytes);
      file.current = applied(file.current, position, bytes, 0, bytes.length);
      file.unsynced.add(new Write(position, bytes));
    }

    @Override
    public void sync() throws IOException {
      checkUsable();
      file.durable = file.current.clone();
      file.unsynced.clear();
    }

    /** The same as {@link #sync()}: the simulation keeps no metadata that fdatasync could skip. */
    @Override
    public void syncData() throws IOException {
      sync();
    }

    @Override
    public long size() throws IOException {
      checkUsable();
      return file.current.length;
    }

    @Override
    public void resize(long newSizeBytes) throws IOException {
      checkUsable();
      file.current = Arrays.copyOf(file.current, Math.toIntExact(newSizeBytes));
      file.unsynced.add(new Resize(newSizeBytes));
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
