package io.tandem.engine.storage;

import io.tandem.engine.storage.NativeFileCalls.FallocateMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The real file system: a {@link FileChannel} per file, {@code force(true)} on sync. Disk space is
 * managed with {@link NativeFileCalls} where they are available and enabled, and otherwise with
 * portable fallbacks that give the same content: zeros written in 1 MiB chunks instead of a
 * punched hole, a zeroed range or an allocation; the whole file counted as data and as allocated.
 */
public final class ChannelFileSystem implements FileSystem {

  /** Largest single write of zeros in a fallback, so a long range needs no large buffer. */
  static final int ZERO_CHUNK_BYTES = 1 << 20;

  /**
   * The granularity at which the preallocation fallback tells data from zeros: the block size of
   * the usual Linux file systems, so every hole is a run of such blocks.
   */
  private static final int FILE_SYSTEM_BLOCK_BYTES = 4096;

  /** Shared and read-only; each write takes its own duplicate, so concurrent files do not interfere. */
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ZERO_CHUNK_BYTES).asReadOnlyBuffer();

  private final NativeCalls nativeCalls;

  /** A file system that uses the native calls where the platform offers them. */
  public ChannelFileSystem() {
    this(NativeCalls.USE_WHEN_AVAILABLE);
  }

  public ChannelFileSystem(NativeCalls nativeCalls) {
    this.nativeCalls = nativeCalls;
  }

  @Override
  public BlockFile create(String path) throws IOException {
    Path file = Path.of(path);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      forceDirectoryOf(file);
      return new ChannelBlockFile(path, channel, openNative(path));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public BlockFile open(String path) throws IOException {
    FileChannel channel = FileChannel.open(Path.of(path), StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      return new ChannelBlockFile(path, channel, openNative(path));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public boolean exists(String path) {
    return Files.exists(Path.of(path));
  }

  @Override
  public void delete(String path) throws IOException {
    Path file = Path.of(path);
    Files.delete(file);
    forceDirectoryOf(file);
  }

  @Override
  public void rename(String from, String to) throws IOException {
    Path target = Path.of(to);
    Files.move(Path.of(from), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    forceDirectoryOf(target);
  }

  private Optional<NativeFileCalls> openNative(String path) throws IOException {
    return nativeCalls == NativeCalls.DISABLED ? Optional.empty() : NativeFileCalls.open(path);
  }

  /** A new or removed directory entry is durable only once the directory itself is forced (Linux). */
  private static void forceDirectoryOf(Path file) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static final class ChannelBlockFile implements BlockFile {
    private final String path;
    private final FileChannel channel;
    /** Empty where native calls are disabled or unavailable: every space operation takes its fallback. */
    private final Optional<NativeFileCalls> nativeCalls;

    ChannelBlockFile(String path, FileChannel channel, Optional<NativeFileCalls> nativeCalls) {
      this.path = path;
      this.channel = channel;
      this.nativeCalls = nativeCalls;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public int read(long position, ByteBuffer destination) throws IOException {
      int total = 0;
      while (destination.hasRemaining()) {
        int read = channel.read(destination, position + total);
        if (read < 0) {
          break;
        }
        total += read;
      }
      return total;
    }

    @Override
    public void write(long position, ByteBuffer source) throws IOException {
      long at = position;
      while (source.hasRemaining()) {
        at += channel.write(source, at);
      }
    }

    @Override
    public void sync() throws IOException {
      channel.force(true);
    }

    @Override
    public void syncData() throws IOException {
      channel.force(false);
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public void resize(long newSizeBytes) throws IOException {
      long size = channel.size();
      if (newSizeBytes < size) {
        channel.truncate(newSizeBytes);
      } else if (newSizeBytes > size) {
        // writing the last byte grows the file sparsely; the gap reads as zeros
        write(newSizeBytes - 1, ByteBuffer.allocate(1));
      }
    }

    @Override
    public ZeroingMethod punchHole(long position, long length) throws IOException {
      ByteRange range = new ByteRange(position, length);
      // clipped here rather than left to KEEP_SIZE, so that the fallback cannot grow the file
      long end = range.endWithin(channel.size());
      if (end == position) {
        return mayFallocate(FallocateMode.PUNCH_HOLE) ? ZeroingMethod.PUNCHED_HOLE : ZeroingMethod.WROTE_ZEROS;
      }
      if (fallocate(FallocateMode.PUNCH_HOLE, position, end - position)) {
        return ZeroingMethod.PUNCHED_HOLE;
      }
      writeZeroChunks(position, end);
      return ZeroingMethod.WROTE_ZEROS;
    }

    @Override
    public ZeroingMethod writeZeros(long position, long length) throws IOException {
      ByteRange range = new ByteRange(position, length);
      if (length == 0) {
        return mayFallocate(FallocateMode.ZERO_RANGE) ? ZeroingMethod.ZEROED_RANGE : ZeroingMethod.WROTE_ZEROS;
      }
      if (fallocate(FallocateMode.ZERO_RANGE, position, length)) {
        return ZeroingMethod.ZEROED_RANGE;
      }
      writeZeroChunks(position, range.end());
      return ZeroingMethod.WROTE_ZEROS;
    }

    @Override
    public AllocationMethod preallocate(long sizeBytes) throws IOException {
      ByteRange whole = new ByteRange(0, sizeBytes);
      if (sizeBytes == 0) {
        return mayFallocate(FallocateMode.ALLOCATE) ? AllocationMethod.FALLOCATED : AllocationMethod.WROTE_ZEROS;
      }
      if (fallocate(FallocateMode.ALLOCATE, 0, sizeBytes)) {
        return AllocationMethod.FALLOCATED;
      }
      long size = channel.size();
      long existingEnd = whole.endWithin(size);
      for (ByteRange candidate : possibleHolesBefore(existingEnd)) {
        rewriteZeroBlocks(candidate);
      }
      if (sizeBytes > size) {
        writeZeroChunks(size, sizeBytes);
      }
      return AllocationMethod.WROTE_ZEROS;
    }

    @Override
    public List<DataRegion> dataRegions(long position, long length) throws IOException {
      ByteRange range = new ByteRange(position, length);
      long end = range.endWithin(channel.size());
      if (end == position) {
        return List.of();
      }
      if (nativeCalls.isPresent()) {
        Optional<List<DataRegion>> regions = nativeCalls.get().dataRegions(position, end);
        if (regions.isPresent()) {
          return List.copyOf(regions.get());
        }
      }
      return List.of(new DataRegion(position, end - position));
    }

    @Override
    public long allocatedBytes() throws IOException {
      if (nativeCalls.isPresent()) {
        NativeFileCalls calls = nativeCalls.get();
        OptionalLong allocated = calls.allocatedBytes();
        if (allocated.isPresent()) {
          return allocated.getAsLong();
        }
        long size = channel.size();
        Optional<List<DataRegion>> regions = calls.dataRegions(0, size);
        if (regions.isPresent()) {
          return regions.get().stream().mapToLong(DataRegion::length).sum();
        }
      }
      return channel.size();
    }

    @Override
    public void close() throws IOException {
      try {
        channel.close();
      } finally {
        if (nativeCalls.isPresent()) {
          nativeCalls.get().close();
        }
      }
    }

    private boolean mayFallocate(FallocateMode mode) {
      return nativeCalls.isPresent() && nativeCalls.get().mayFallocate(mode);
    }

    /** True if done natively; false if the caller must take its fallback. */
    private boolean fallocate(FallocateMode mode, long position, long length) throws IOException {
      if (!channel.isOpen()) {
        throw new IOException("file is closed: " + path);
      }
      return nativeCalls.isPresent() && nativeCalls.get().fallocate(mode, position, length);
    }

    /**
     * The ranges before {@code end} that may be holes: those between the data regions where holes
     * can be found, else everything (the fallback then tells holes by their zeros).
     */
    private List<ByteRange> possibleHolesBefore(long end) throws IOException {
      Optional<List<DataRegion>> regions = Optional.empty();
      if (nativeCalls.isPresent() && end > 0) {
        regions = nativeCalls.get().dataRegions(0, end);
      }
      if (regions.isEmpty()) {
        return end > 0 ? List.of(new ByteRange(0, end)) : List.of();
      }
      List<ByteRange> holes = new ArrayList<>();
      long at = 0;
      for (DataRegion region : regions.get()) {
        if (region.position() > at) {
          holes.add(new ByteRange(at, region.position() - at));
        }
        at = region.end();
      }
      if (at < end) {
        holes.add(new ByteRange(at, end - at));
      }
      return holes;
    }

    /**
     * Writes zeros over every file-system block of {@code range} that reads as zeros. That
     * allocates the holes among them without changing any content: a block that holds data is
     * left alone, a block of zeros is rewritten with the same zeros. Not safe against a concurrent
     * write to the range, which could be overwritten; preallocation comes before the file is in use.
     */
    private void rewriteZeroBlocks(ByteRange range) throws IOException {
      ByteBuffer chunk = ByteBuffer.allocate(ZERO_CHUNK_BYTES);
      long chunkStart = range.position();
      long zerosFrom = -1; // start of the current run of zero blocks, or -1 if none
      while (chunkStart < range.end()) {
        chunk.clear().limit((int) Math.min(ZERO_CHUNK_BYTES, range.end() - chunkStart));
        int read = read(chunkStart, chunk);
        long blockStart = chunkStart;
        while (blockStart < chunkStart + read) {
          long blockEnd = Math.min((blockStart / FILE_SYSTEM_BLOCK_BYTES + 1) * FILE_SYSTEM_BLOCK_BYTES,
              chunkStart + read);
          boolean zero = allZero(chunk, (int) (blockStart - chunkStart), (int) (blockEnd - chunkStart));
          if (zero && zerosFrom < 0) {
            zerosFrom = blockStart;
          } else if (!zero && zerosFrom >= 0) {
            writeZeroChunks(zerosFrom, blockStart);
            zerosFrom = -1;
          }
          blockStart = blockEnd;
        }
        chunkStart += read;
        if (read < chunk.limit()) {
          break; // the file ended early (truncated meanwhile): nothing beyond to allocate
        }
      }
      if (zerosFrom >= 0) {
        writeZeroChunks(zerosFrom, chunkStart);
      }
    }

    private static boolean allZero(ByteBuffer buffer, int from, int to) {
      for (int i = from; i < to; i++) {
        if (buffer.get(i) != 0) {
          return false;
        }
      }
      return true;
    }

    /** Writes zeros from {@code position} to {@code end}, one chunk at a time. */
    private void writeZeroChunks(long position, long end) throws IOException {
      long at = position;
      while (at < end) {
        ByteBuffer zeros = ZEROS.duplicate();
        zeros.limit((int) Math.min(ZERO_CHUNK_BYTES, end - at));
        write(at, zeros);
        at += zeros.limit();
      }
    }
  }
}
