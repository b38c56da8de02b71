package io.tandem.engine.metadata;

import java.io.IOException;

/**
 * A metadata file that must not be used: its message names the file and what is wrong, e.g.
 * "superblock checksum mismatch in /x/y.meta: stored 0x..., computed 0x...".
 */
public final class CorruptMetadataException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String path;

  public CorruptMetadataException(String path, String problem, String detail) {
    super(problem + " in " + path + ": " + detail);
    this.path = path;
  }

  public CorruptMetadataException(String path, MetadataFormatException cause) {
    super(cause.problem() + " in " + path + ": " + cause.detail(), cause);
    this.path = path;
  }

  public String path() {
    return path;
  }
}
