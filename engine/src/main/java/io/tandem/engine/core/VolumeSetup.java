package io.tandem.engine.core;

/**
 * One volume of the resource as the core starts with it.
 *
 * @param image the metadata read from disk; null for a diskless volume
 */
public record VolumeSetup(int number, long sizeBytes, Provisioning provisioning, VolumeImage image) {

  public static VolumeSetup diskful(int number, Provisioning provisioning, VolumeImage image) {
    return new VolumeSetup(number, image.superblock().volumeSizeBytes(), provisioning, image);
  }

  public static VolumeSetup diskless(int number, long sizeBytes) {
    return new VolumeSetup(number, sizeBytes, Provisioning.THIN, null);
  }

  public boolean diskless() {
    return image == null;
  }
}
