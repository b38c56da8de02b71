package io.tandem.engine.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One open file, addressed by byte position. Writes are not durable until {@link #sync()} returns.
 *
 * <p>Besides reading and writing, a file manages its disk space, which volume data files need:
 * a thin volume is a sparse file whose discarded ranges become holes again
 * ({@link #punchHole}); a thick one is allocated in full up front ({@link #preallocate}); a resync
 * copies only what {@link #dataRegions} reports. Each of these has a portable fallback with the
 * same visible content, so callers never depend on the file system for correctness, only for space.
 * Ranges are a position and a length in bytes; a negative or overflowing one throws
 * {@link IllegalArgumentException}.
 */
public interface BlockFile extends Closeable {

  /** The path this file was opened under, for error messages. */
  String path();

  /**
   * Reads from {@code position} into {@code destination} until it is full or the end of the file
   * is reached.
   *
   * @return the number of bytes read; fewer than requested only at the end of the file
   */
  int read(long position, ByteBuffer destination) throws IOException;

  /** Writes all remaining bytes of {@code source} at {@code position}, growing the file if needed. */
  void write(long position, ByteBuffer source) throws IOException;

  /** Makes every write and resize so far durable (data and file size). */
  void sync() throws IOException;

  /**
   * Makes every write and resize so far durable like {@link #sync()}, but may skip metadata that
   * is not needed to read the data back, such as the modification time ({@code fdatasync(2)}): one
   * journal commit fewer on a data write that does not grow the file.
   */
  void syncData() throws IOException;

  long size() throws IOException;

  /** Truncates the file, or grows it with zero bytes, to {@code newSizeBytes}. Not durable until sync. */
  void resize(long newSizeBytes) throws IOException;

  /**
   * Makes the range read as zeros and gives its whole file-system blocks back (partial blocks at
   * its edges are zeroed and stay allocated). The file size does not change; the part of the range
   * beyond the end of the file is ignored. Not durable until sync.
   *
   * @return {@link ZeroingMethod#PUNCHED_HOLE}, or {@link ZeroingMethod#WROTE_ZEROS} where the file
   *     system cannot punch holes (the range then stays allocated)
   */
  ZeroingMethod punchHole(long position, long length) throws IOException;

  /**
   * Makes the range read as zeros and keeps it allocated, like a write of zeros: the file grows if
   * the range ends beyond it. Not durable until sync.
   *
   * @return {@link ZeroingMethod#ZEROED_RANGE}, or {@link ZeroingMethod#WROTE_ZEROS} where the file
   *     system cannot zero a range without writing it
   */
  ZeroingMethod writeZeros(long position, long length) throws IOException;

  /**
   * Allocates disk space for the whole file up to {@code sizeBytes}, so that writes there cannot
   * fail for lack of space later (a thick volume). A shorter file grows to {@code sizeBytes}, a
   * longer one keeps its size; the content is unchanged. Not durable until sync.
   *
   * @return {@link AllocationMethod#FALLOCATED}, or {@link AllocationMethod#WROTE_ZEROS} where the
   *     file system cannot allocate without writing
   */
  AllocationMethod preallocate(long sizeBytes) throws IOException;

  /**
   * The parts of the range, clipped to the file size, that may hold data: in order, disjoint, each
   * within the range. Every byte outside them reads as zero. Where holes cannot be found, the whole
   * (clipped) range is one region; a real file system may also report allocated blocks that were
   * never written as holes, since they read as zeros too.
   */
  List<DataRegion> dataRegions(long position, long length) throws IOException;

  /**
   * Bytes of disk the file occupies: its allocated blocks, preallocated ones included, holes not.
   * It may exceed the size by part of a block. Where this cannot be found, the file size.
   */
  long allocatedBytes() throws IOException;

  @Override
  void close() throws IOException;
}
