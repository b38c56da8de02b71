package io.tandem.engine.storage;

import io.tandem.engine.storage.FileOperation.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * boundary (only the sectors before it, or only those after it, reach the "disk"). A resize, a
 * punched hole, a zeroed range and a preallocation are never torn: each is applied whole or
 * dropped, as a journaling file system commits such an extent change in one transaction. Files are
 * visited in path order, so the outcome depends on nothing but the Random's seed. Creating and
 * deleting files is durable at once (the real implementation forces the directory).
 *
 * <p>Disk space is modelled per 4 KiB block ({@link #ALLOCATION_BLOCK_BYTES}), the block size of
 * the real file systems: a write, a zeroed range or a preallocation allocates every block it
 * touches; a punched hole deallocates the blocks it covers whole and zeroes the partial ones at its
 * edges; growing the file by resize allocates nothing (sparse) and shrinking it frees the blocks
 * beyond the end. {@link BlockFile#dataRegions} reports runs of allocated blocks and
 * {@link BlockFile#allocatedBytes} counts them, so a block that was written with zeros still counts
 * as data, and a preallocated one too (a real file system may report the latter as a hole). An
 * unallocated block always reads as zeros. The space operations report the native methods
 * ({@link ZeroingMethod#PUNCHED_HOLE}, {@link ZeroingMethod#ZEROED_RANGE},
 * {@link AllocationMethod#FALLOCATED}), which is what they model.
 *
 * <p>Every handle open at the crash is dead afterwards: using it throws.
 *
 * <p>I/O errors are injected by a {@link FaultPolicy} ({@link #setFaultPolicy}), consulted before
 * every operation.
 */
public final class MemoryFileSystem implements FileSystem {

  /** The unit a disk writes atomically; a torn write splits at a multiple of it. */
  public static final int SECTOR_BYTES = 512;

  /** The unit of allocation, as a file system's block: holes are whole blocks. */
  public static final int ALLOCATION_BLOCK_BYTES = 4096;

  private final Map<String, StoredFile> files = new TreeMap<>();
  private long crashCount;
  private FaultPolicy faultPolicy = FaultPolicy.NONE;

  /**
   * From now on, every operation (other than {@code exists} and {@code close}) first asks
   * {@code policy}; one it fails throws the policy's error and has no effect at all: a failed
   * write writes nothing, a failed sync leaves every unsynced operation pending, to be made
   * durable by a later sync or decided by a crash. That is kinder than Linux, where a failed
   * {@code fsync} may drop dirty pages for good, so callers must treat a failed sync as having
   * lost everything since the last one that succeeded.
   */
  public void setFaultPolicy(FaultPolicy policy) {
    this.faultPolicy = policy;
  }

  private void consult(Kind kind, String path, long position, long length) throws IOException {
    Optional<IOException> fault = faultPolicy.faultFor(new FileOperation(kind, path, position, length));
    if (fault.isPresent()) {
      throw fault.get();
    }
  }

  @Override
  public BlockFile create(String path) throws IOException {
    consult(Kind.CREATE, path, 0, 0);
    if (files.containsKey(path)) {
      throw new IOException("file already exists: " + path);
    }
    StoredFile file = new StoredFile();
    files.put(path, file);
    return new MemoryBlockFile(path, file, crashCount);
  }

  @Override
  public BlockFile open(String path) throws IOException {
    consult(Kind.OPEN, path, 0, 0);
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
    consult(Kind.DELETE, path, 0, 0);
    if (files.remove(path) == null) {
      throw new IOException("no such file: " + path);
    }
  }

  /** Atomic and durable at once, like a rename followed by a directory sync. */
  @Override
  public void rename(String from, String to) throws IOException {
    consult(Kind.RENAME, from, 0, 0);
    StoredFile file = files.remove(from);
    if (file == null) {
      throw new IOException("no such file: " + from);
    }
    files.put(to, file);
  }

  /** The number of unsynced operations (writes, resizes and space operations) over all files. */
  public int unsyncedOperationCount() {
    return files.values().stream().mapToInt(file -> file.unsynced.size()).sum();
  }

  /**
   * Simulates a power loss: synced data survives; each unsynced operation is dropped, applied or
   * (a write only) torn as the Random decides. Open handles become unusable.
   */
  public void crash(Random random) {
    for (StoredFile file : files.values()) {
      // the durable image is private to this file, so the survivors are applied to it in place
      FileImage image = file.durable;
      for (Change change : file.unsynced) {
        applySurvivingPart(change, image, random);
      }
      file.current = image.copy();
      file.unsynced.clear();
    }
    crashCount++;
  }

  /**
   * Writes and resizes draw from the Random exactly as before the space operations existed, so a
   * seed recorded from an earlier failing run replays the same crash.
   */
  private static void applySurvivingPart(Change change, FileImage image, Random random) {
    if (!(change instanceof Write write)) {
      if (random.nextBoolean()) {
        change.applyTo(image);
      }
      return;
    }
    long start = write.position;
    long end = write.position + write.bytes.length;
    long firstBoundary = (start / SECTOR_BYTES + 1) * SECTOR_BYTES;
    long boundaries = firstBoundary < end ? (end - 1 - firstBoundary) / SECTOR_BYTES + 1 : 0;
    int choice = random.nextInt(boundaries > 0 ? 4 : 2);
    switch (choice) {
      case 0:
        return;
      case 1:
        image.write(start, write.bytes, 0, write.bytes.length);
        return;
      default:
        long boundary = firstBoundary + SECTOR_BYTES * (long) random.nextInt(Math.toIntExact(boundaries));
        int split = Math.toIntExact(boundary - start);
        if (choice == 2) {
          image.write(start, write.bytes, 0, split);
        } else {
          image.write(start, write.bytes, split, write.bytes.length - split);
        }
    }
  }

  /** One unsynced operation, kept until a sync or a crash decides its fate. */
  private sealed interface Change permits Write, Resize, PunchHole, ZeroRange, Preallocate {
    void applyTo(FileImage image);
  }

  private record Write(long position, byte[] bytes) implements Change {
    @Override
    public void applyTo(FileImage image) {
      image.write(position, bytes, 0, bytes.length);
    }
  }

  private record Resize(long sizeBytes) implements Change {
    @Override
    public void applyTo(FileImage image) {
      image.resize(sizeBytes);
    }
  }

  private record PunchHole(long position, long end) implements Change {
    @Override
    public void applyTo(FileImage image) {
      image.punchHole(position, end);
    }
  }

  private record ZeroRange(long position, long end) implements Change {
    @Override
    public void applyTo(FileImage image) {
      image.zeroRange(position, end);
    }
  }

  private record Preallocate(long sizeBytes) implements Change {
    @Override
    public void applyTo(FileImage image) {
      image.preallocate(sizeBytes);
    }
  }

  /** A file's bytes and which of its blocks are allocated; an unallocated block holds only zeros. */
  private static final class FileImage {
    private byte[] bytes;
    private final BitSet allocatedBlocks;

    FileImage(byte[] bytes, BitSet allocatedBlocks) {
      this.bytes = bytes;
      this.allocatedBlocks = allocatedBlocks;
    }

    FileImage copy() {
      return new FileImage(bytes.clone(), (BitSet) allocatedBlocks.clone());
    }

    long size() {
      return bytes.length;
    }

    void write(long position, byte[] source, int offset, int length) {
      long target = position + offset;
      growTo(target + length);
      System.arraycopy(source, offset, bytes, Math.toIntExact(target), length);
      allocate(target, target + length);
    }

    void resize(long sizeBytes) {
      int newSize = Math.toIntExact(sizeBytes);
      int firstBlockBeyond = blocksBefore(newSize);
      if (firstBlockBeyond < allocatedBlocks.length()) {
        // the block holding the new end stays allocated, as on a real file system
        allocatedBlocks.clear(firstBlockBeyond, allocatedBlocks.length());
      }
      if (newSize != bytes.length) {
        bytes = Arrays.copyOf(bytes, newSize);
      }
    }

    void punchHole(long position, long end) {
      long clippedEnd = Math.min(end, bytes.length);
      if (clippedEnd <= position) {
        return;
      }
      Arrays.fill(bytes, Math.toIntExact(position), Math.toIntExact(clippedEnd), (byte) 0);
      // like fallocate: partial blocks at either edge (the file's last one included) stay allocated
      int firstWholeBlock = blocksBefore(position);
      int endOfWholeBlocks = Math.toIntExact(clippedEnd / ALLOCATION_BLOCK_BYTES);
      if (firstWholeBlock < endOfWholeBlocks) {
        allocatedBlocks.clear(firstWholeBlock, endOfWholeBlocks);
      }
    }

    void zeroRange(long position, long end) {
      growTo(end);
      Arrays.fill(bytes, Math.toIntExact(position), Math.toIntExact(end), (byte) 0);
      allocate(position, end);
    }

    void preallocate(long sizeBytes) {
      growTo(sizeBytes);
      allocate(0, sizeBytes);
    }

    List<DataRegion> dataRegions(long position, long end) {
      List<DataRegion> regions = new ArrayList<>();
      long at = position;
      while (at < end) {
        int first = allocatedBlocks.nextSetBit(Math.toIntExact(at / ALLOCATION_BLOCK_BYTES));
        if (first < 0 || (long) first * ALLOCATION_BLOCK_BYTES >= end) {
          break;
        }
        int afterLast = allocatedBlocks.nextClearBit(first);
        long start = Math.max(at, (long) first * ALLOCATION_BLOCK_BYTES);
        long stop = Math.min(end, (long) afterLast * ALLOCATION_BLOCK_BYTES);
        regions.add(new DataRegion(start, stop - start));
        at = stop;
      }
      return regions;
    }

    long allocatedBytes() {
      return (long) allocatedBlocks.cardinality() * ALLOCATION_BLOCK_BYTES;
    }

    private void growTo(long sizeBytes) {
      if (bytes.length < sizeBytes) {
        bytes = Arrays.copyOf(bytes, Math.toIntExact(sizeBytes));
      }
    }

    private void allocate(long position, long end) {
      if (end > position) {
        allocatedBlocks.set(Math.toIntExact(position / ALLOCATION_BLOCK_BYTES), blocksBefore(end));
      }
    }

    /** The number of blocks needed to hold {@code bytes} bytes. */
    private static int blocksBefore(long bytes) {
      return Math.toIntExact((bytes + ALLOCATION_BLOCK_BYTES - 1) / ALLOCATION_BLOCK_BYTES);
    }
  }

  private static final class StoredFile {
    FileImage durable = new FileImage(new byte[0], new BitSet());
    FileImage current = durable.copy();
    final List<Change> unsynced = new ArrayList<>();
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

    /** Refuses a dead handle, then lets the fault policy fail the operation. */
    private void begin(Kind kind, long position, long length) throws IOException {
      if (closed) {
        throw new IOException("file is closed: " + path);
      }
      if (openedBeforeCrash != crashCount) {
        throw new IOException("file handle did not survive the crash: " + path);
      }
      consult(kind, path, position, length);
    }

    /** Applies {@code change} to what reads see and keeps it for the next sync or crash. */
    private void perform(Change change) {
      change.applyTo(file.current);
      file.unsynced.add(change);
    }

    @Override
    public int read(long position, ByteBuffer destination) throws IOException {
      begin(Kind.READ, position, destination.remaining());
      byte[] bytes = file.current.bytes;
      if (position >= bytes.length) {
        return 0;
      }
      int length = (int) Math.min(destination.remaining(), bytes.length - position);
      destination.put(bytes, Math.toIntExact(position), length);
      return length;
    }

    @Override
    public void write(long position, ByteBuffer source) throws IOException {
      begin(Kind.WRITE, position, source.remaining());
      byte[] bytes = new byte[source.remaining()];
      source.get(bytes);
      perform(new Write(position, bytes));
    }

    @Override
    public void sync() throws IOException {
      begin(Kind.SYNC, 0, 0);
      makeDurable();
    }

    /** The same as {@link #sync()}: the simulation keeps no metadata that fdatasync could skip. */
    @Override
    public void syncData() throws IOException {
      begin(Kind.SYNC_DATA, 0, 0);
      makeDurable();
    }

    /**
     * Replays the unsynced changes onto the durable image rather than copying the current one: the
     * cost follows what changed, not the file's size (the simulation syncs large files often).
     */
    private void makeDurable() {
      for (Change change : file.unsynced) {
        change.applyTo(file.durable);
      }
      file.unsynced.clear();
    }

    @Override
    public long size() throws IOException {
      begin(Kind.SIZE, 0, 0);
      return file.current.size();
    }

    @Override
    public void resize(long newSizeBytes) throws IOException {
      begin(Kind.RESIZE, 0, newSizeBytes);
      perform(new Resize(newSizeBytes));
    }

    @Override
    public ZeroingMethod punchHole(long position, long length) throws IOException {
      ByteRange range = new ByteRange(position, length);
      begin(Kind.PUNCH_HOLE, position, length);
      long end = range.endWithin(file.current.size());
      if (end > position) {
        perform(new PunchHole(position, end));
      }
      return ZeroingMethod.PUNCHED_HOLE;
    }

    @Override
    public ZeroingMethod writeZeros(long position, long length) throws IOException {
      ByteRange range = new ByteRange(position, length);
      begin(Kind.WRITE_ZEROS, position, length);
      if (length > 0) {
        perform(new ZeroRange(position, range.end()));
      }
      return ZeroingMethod.ZEROED_RANGE;
    }

    @Override
    public AllocationMethod preallocate(long sizeBytes) throws IOException {
      new ByteRange(0, sizeBytes); // rejects a negative size
      begin(Kind.PREALLOCATE, 0, sizeBytes);
      if (sizeBytes > 0) {
        perform(new Preallocate(sizeBytes));
      }
      return AllocationMethod.FALLOCATED;
    }

    @Override
    public List<DataRegion> dataRegions(long position, long length) throws IOException {
      ByteRange range = new ByteRange(position, length);
      begin(Kind.DATA_REGIONS, position, length);
      return file.current.dataRegions(position, range.endWithin(file.current.size()));
    }

    @Override
    public long allocatedBytes() throws IOException {
      begin(Kind.ALLOCATED_BYTES, 0, 0);
      return file.current.allocatedBytes();
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
