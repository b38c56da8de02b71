package io.tandem.engine.activitylog;

import io.tandem.engine.metadata.MetadataLayout;

/** The 4 MiB extents {@code first..last} (inclusive) a request touches. */
public record ExtentRange(long first, long last) {

  public ExtentRange {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException("extent range " + first + ".." + last + " is not valid");
    }
  }

  /** The extents of the byte range {@code [offset, offset + length)}; {@code length} must be positive. */
  public static ExtentRange ofBytes(long offset, long length) {
    if (length <= 0) {
      throw new IllegalArgumentException("byte range of length " + length);
    }
    return new ExtentRange(offset / MetadataLayout.EXTENT_BYTES,
        (offset + length - 1) / MetadataLayout.EXTENT_BYTES);
  }

  public int count() {
    return Math.toIntExact(last - first + 1);
  }
}
