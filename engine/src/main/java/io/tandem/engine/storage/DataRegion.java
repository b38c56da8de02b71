package io.tandem.engine.storage;

/**
 * A run of bytes of a file that may hold data, as opposed to a hole, which reads as zeros and
 * occupies no disk space. Found with {@code SEEK_DATA}/{@code SEEK_HOLE} on the real file system.
 *
 * @param position the first byte of the run
 * @param length how many bytes it spans; never zero
 */
public record DataRegion(long position, long length) {

  public DataRegion {
    if (position < 0 || length <= 0 || position + length < 0) {
      throw new IllegalArgumentException("not a data region: position " + position + ", length " + length);
    }
  }

  /** The first byte after the region. */
  public long end() {
    return position + length;
  }
}
