package io.tandem.engine.storage;

/**
 * A byte range a caller passed to a {@link BlockFile} operation, checked the same way in every
 * implementation: a negative or overflowing range is a bug in the caller and fails at once.
 */
record ByteRange(long position, long length) {

  ByteRange {
    if (position < 0 || length < 0 || position > Long.MAX_VALUE - length) {
      throw new IllegalArgumentException("invalid byte range: position " + position + ", length " + length);
    }
  }

  long end() {
    return position + length;
  }

  /** The end of the part of this range that lies before {@code sizeBytes}; at most {@link #position()} if none. */
  long endWithin(long sizeBytes) {
    return Math.max(position, Math.min(end(), sizeBytes));
  }
}
