package io.tandem.engine.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One open file, addressed by byte position. Writes are not durable until {@link #sync()} returns.
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

  @Override
  void close() throws IOException;
}
