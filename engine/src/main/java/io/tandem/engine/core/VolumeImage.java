package io.tandem.engine.core;

import io.tandem.engine.bitmap.Bitmap;
import io.tandem.engine.metadata.Superblock;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A diskful volume's metadata as the edge read it from disk, before the core attaches it.
 *
 * @param replayedExtents the hot extents found by replaying the activity log
 * @param lastTransactionSequence the newest intact transaction's sequence (0 if none)
 */
public record VolumeImage(Superblock superblock, Bitmap bitmap, SortedSet<Long> replayedExtents,
    long lastTransactionSequence) {
  public VolumeImage {
    replayedExtents = new TreeSet<>(replayedExtents);
  }
}
