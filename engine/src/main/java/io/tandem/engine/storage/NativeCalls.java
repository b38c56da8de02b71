package io.tandem.engine.storage;

/** Whether {@link ChannelFileSystem} uses the Linux calls Java lacks, or only portable Java. */
public enum NativeCalls {
  /** {@code fallocate} and {@code SEEK_DATA}/{@code SEEK_HOLE} where the platform and file system offer them. */
  USE_WHEN_AVAILABLE,
  /**
   * Portable Java only: zeros written instead of punched or allocated, every file counted as wholly
   * allocated. What a platform without the calls gets; selectable so tests cover it everywhere.
   */
  DISABLED
}
