package io.tandem.engine.metadata;

import io.tandem.engine.storage.BlockFile;
import io.tandem.engine.storage.FileSystem;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;

/**
 * The metadata file of one volume, open for use: the current superblock and the activity log's
 * replayed state, with the operations that change them. Every change is written and synced before
 * the call returns, so a caller relies only on durable state. Layout in {@code package-info.java}.
 *
 * <p>Single-threaded, like the core that owns it.
 */
public final class MetadataFile implements Closeable {

  private final BlockFile file;
  private Superblock superblock;
  private ActivityLogReplay.Result activityLog;

  private MetadataFile(BlockFile file, Superblock superblock, ActivityLogReplay.Result activityLog) {
    this.file = file;
    this.superblock = superblock;
    this.activityLog = activityLog;
  }

  /**
   * Creates a new metadata file: both superblock copies (sequences 0 and 1, same content), a blank
   * activity log and a zeroed bitmap, all synced. Not atomic by itself: a crash during create can
   * leave a file that does not open, so the caller creates it under a temporary name and renames it
   * ({@code io.tandem.engine.volume.VolumeStorage}).
   */
  public static MetadataFile create(FileSystem fileSystem, String path, Superblock initial) throws IOException {
    MetadataLayout layout = initial.layout();
    BlockFile file = fileSystem.create(path);
    try {
      file.resize(layout.totalBytes());
      Superblock first = initial.withSequence(0);
      Superblock second = initial.withSequence(1);
      file.write(layout.superblockOffset(0), ByteBuffer.wrap(SuperblockCodec.encode(first)));
      file.write(layout.superblockOffset(1), ByteBuffer.wrap(SuperblockCodec.encode(second)));
      file.sync();
      return new MetadataFile(file, second, new ActivityLogReplay.Result(0, List.of()));
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  /**
   * Opens and validates a metadata file: picks the newer intact superblock copy, checks the file
   * size against it, and replays the activity log.
   *
   * @throws CorruptMetadataException naming the file and what is wrong with it
   */
  public static MetadataFile open(FileSystem fileSystem, String path) throws IOException {
    BlockFile file = fileSystem.open(path);
    try {
      Superblock superblock = readSuperblock(file);
      MetadataLayout layout = superblock.layout();
      long size = file.size();
      if (size != layout.totalBytes()) {
        throw new CorruptMetadataException(path, size < layout.totalBytes()
            ? "metadata file truncated" : "metadata file too long",
            size + " bytes, the superblock describes " + layout.totalBytes());
      }
      List<byte[]> ring = new ArrayList<>();
      for (int block = 0; block < superblock.activityLogBlocks(); block++) {
        ring.add(readBlock(file, layout.activityLogBlockOffset(block)));
      }
      ActivityLogReplay.Result activityLog;
      try {
        activityLog = ActivityLogReplay.replay(ring);
      } catch (MetadataFormatException e) {
        throw new CorruptMetadataException(path, e);
      }
      return new MetadataFile(file, superblock, activityLog);
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  /**
   * Two copies, at offsets 0 and 4096; copy {@code sequence % 2} is the one a write replaces. A copy
   * that fails magic or checksum is taken for a torn (or never finished) write and the other copy
   * is used; a copy with a good checksum and a bad field, or in the wrong slot, refuses the file.
   */
  private static Superblock readSuperblock(BlockFile file) throws IOException {
    String path = file.path();
    long size = file.size();
    long needed = (long) MetadataLayout.SUPERBLOCK_COPIES * MetadataLayout.BLOCK_BYTES;
    if (size < needed) {
      throw new CorruptMetadataException(path, "metadata file truncated",
          size + " bytes, the two superblock copies alone need " + needed);
    }
    Superblock newest = null;
    List<String> problems = new ArrayList<>();
    for (int copy = 0; copy < MetadataLayout.SUPERBLOCK_COPIES; copy++) {
      byte[] bytes = readBlock(file, (long) copy * MetadataLayout.BLOCK_BYTES);
      try {
        SuperblockCodec.checkIntact(bytes);
      } catch (MetadataFormatException e) {
        problems.add("copy " + copy + ": " + e.getMessage());
        continue;
      }
      Superblock decoded;
      try {
        decoded = SuperblockCodec.decode(bytes);
      } catch (MetadataFormatException e) {
        throw new CorruptMetadataException(path, e.problem() + " (copy " + copy + ")", e.detail());
      }
      if (decoded.sequence() % MetadataLayout.SUPERBLOCK_COPIES != copy) {
        throw new CorruptMetadataException(path, "superblock copy in the wrong slot",
            "copy " + copy + " holds sequence " + decoded.sequence());
      }
      if (newest == null || decoded.sequence() > newest.sequence()) {
        newest = decoded;
      }
    }
    if (newest == null) {
      throw new CorruptMetadataException(path, "no intact superblock", String.join("; ", problems));
    }
    return newest;
  }

  private static byte[] readBlock(BlockFile file, long position) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(MetadataLayout.BLOCK_BYTES);
    int read = file.read(position, buffer);
    if (read != MetadataLayout.BLOCK_BYTES) {
      throw new CorruptMetadataException(file.path(), "metadata file truncated",
          "block at offset " + position + " has " + read + " of " + MetadataLayout.BLOCK_BYTES + " bytes");
    }
    return buffer.array();
  }

  public String path() {
    return file.path();
  }

  /** The superblock as last written (and synced). */
  public Superblock superblock() {
    return superblock;
  }

  public MetadataLayout layout() {
    return superblock.layout();
  }

  /** The hot extents as of the last transaction written or replayed. */
  public SortedSet<Long> hotExtents() {
    return activityLog.hotExtents();
  }

  /** The sequence of the last activity-log transaction written or replayed; 0 if none. */
  public long lastTransactionSequence() {
    return activityLog.lastSequence();
  }

  /**
   * Writes {@code updated} (its sequence replaced by the next one) over the older copy and syncs.
   * The geometry (size, slots, ring) cannot change here; resizing is a separate step to come.
   *
   * @return the superblock as written
   */
  public Superblock writeSuperblock(Superblock updated) throws IOException {
    if (!updated.sameGeometryAs(superblock)) {
      throw new IllegalArgumentException("the superblock geometry cannot change: " + superblock.layout()
          + " -> " + updated.layout());
    }
    Superblock next = updated.withSequence(superblock.sequence() + 1);
    int copy = (int) (next.sequence() % MetadataLayout.SUPERBLOCK_COPIES);
    file.write(layout().superblockOffset(copy), ByteBuffer.wrap(SuperblockCodec.encode(next)));
    file.sync();
    superblock = next;
    return next;
  }

  /**
   * Writes the next activity-log transaction into its ring block and syncs. The caller must keep
   * the ring's rule (see {@link ActivityLogReplay}): only the newest {@code ringBlocks - 1}
   * transactions count after a crash.
   */
  public ActivityLogTransaction writeTransaction(TransactionType type, Collection<Long> extents) throws IOException {
    ActivityLogTransaction transaction = new ActivityLogTransaction(activityLog.nextSequence(), type,
        List.copyOf(extents));
    long extentCount = layout().extentCount();
    for (long extent : transaction.extents()) {
      if (extent >= extentCount) {
        throw new IllegalArgumentException("extent " + extent + " is beyond the volume's " + extentCount + " extents");
      }
    }
    int block = (int) (transaction.sequence() % superblock.activityLogBlocks());
    file.write(layout().activityLogBlockOffset(block),
        ByteBuffer.wrap(ActivityLogTransactionCodec.encode(transaction)));
    file.sync();
    activityLog = activityLog.after(transaction, superblock.activityLogBlocks());
    return transaction;
  }

  /**
   * Writes {@code transaction}, which must carry the next sequence, into its ring block and syncs.
   * The writer policy ({@code io.tandem.engine.activitylog}) chose its extents.
   */
  public void writeTransaction(ActivityLogTransaction transaction) throws IOException {
    if (transaction.sequence() != activityLog.nextSequence()) {
      throw new IllegalArgumentException("transaction " + transaction.sequence() + " is not the next one, "
          + activityLog.nextSequence());
    }
    writeTransaction(transaction.type(), transaction.extents());
  }

  /** The whole bitmap region as stored (little-endian words interleaved by slot). */
  public ByteBuffer readBitmapRegion() throws IOException {
    MetadataLayout layout = layout();
    ByteBuffer region = ByteBuffer.allocate(Math.toIntExact(layout.bitmapBytes()));
    int read = file.read(layout.bitmapOffset(), region);
    if (read != region.capacity()) {
      throw new CorruptMetadataException(file.path(), "metadata file truncated",
          "bitmap region has " + read + " of " + region.capacity() + " bytes");
    }
    return region.flip();
  }

  /**
   * Writes 4 KiB page {@code page} of the bitmap region. Not durable until {@link #sync()}: bitmap
   * pages are written in batches, then synced once.
   */
  public void writeBitmapPage(int page, byte[] content) throws IOException {
    if (content.length != MetadataLayout.BLOCK_BYTES) {
      throw new IllegalArgumentException("bitmap page of " + content.length + " bytes, need " + MetadataLayout.BLOCK_BYTES);
    }
    long position = layout().bitmapOffset() + (long) page * MetadataLayout.BLOCK_BYTES;
    if (page < 0 || position + MetadataLayout.BLOCK_BYTES > layout().totalBytes()) {
      throw new IllegalArgumentException("bitmap page " + page + " is outside the bitmap region");
    }
    file.write(position, ByteBuffer.wrap(content));
  }

  /** Makes every bitmap page written so far durable. */
  public void sync() throws IOException {
    file.sync();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
