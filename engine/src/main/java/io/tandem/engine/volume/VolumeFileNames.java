package io.tandem.engine.volume;

/**
 * Where a volume's files live: {@code <dir>/<resource>_<volume as 5 digits>.img} and {@code .meta}
 * beside it ({@code .meta.new} while the volume is being created).
 */
public record VolumeFileNames(String dataPath, String metadataPath) {

  public static VolumeFileNames in(String directory, String resource, int volume) {
    String base = directory + (directory.endsWith("/") ? "" : "/") + resource + "_" + String.format("%05d", volume);
    return new VolumeFileNames(base + ".img", base + ".meta");
  }

  /** Where the metadata file is written while the volume is being created. */
  public String newMetadataPath() {
    return metadataPath + ".new";
  }
}
