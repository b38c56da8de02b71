package io.tandem.engine.metadata;

/**
 * What the pure decoders found wrong with some bytes, without knowing which file they came from;
 * {@link MetadataFile} turns it into a {@link CorruptMetadataException} naming the file.
 */
public final class MetadataFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String problem;
  private final String detail;

  /**
   * @param problem what is wrong, e.g. "superblock checksum mismatch"
   * @param detail the evidence, e.g. "stored 0x12345678, computed 0x9abcdef0"
   */
  public MetadataFormatException(String problem, String detail) {
    super(problem + ": " + detail);
    this.problem = problem;
    this.detail = detail;
  }

  public String problem() {
    return problem;
  }

  public String detail() {
    return detail;
  }
}
