package io.tandem.engine.volume;

import io.tandem.engine.bitmap.Bitmap;
import io.tandem.engine.core.DataOperation;
import io.tandem.engine.core.Durability;
import io.tandem.engine.core.Effect;
import io.tandem.engine.core.Event;
import io.tandem.engine.core.IoOutcome;
import io.tandem.engine.core.Peer;
import io.tandem.engine.core.Provisioning;
import io.tandem.engine.core.VolumeImage;
import io.tandem.engine.metadata.CorruptMetadataException;
import io.tandem.engine.metadata.MetadataFile;
import io.tandem.engine.metadata.PeerSlot;
import io.tandem.engine.metadata.Superblock;
import io.tandem.engine.metadata.SuperblockFlag;
import io.tandem.engine.storage.BlockFile;
import io.tandem.engine.storage.FileSystem;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The open files of one diskful volume. {@link #perform} runs one effect to completion and
 * describes the outcome; it never throws for I/O errors (they are values the core handles).
 *
 * <p>Data effects may run concurrently (positional I/O); the core keeps at most one metadata effect
 * of a volume in flight, which is all {@link MetadataFile} needs.
 */
public final class VolumeStorage implements Closeable {

  /** Ring size of new metadata files: 32 KiB, DRBD's default. */
  public static final int ACTIVITY_LOG_BLOCKS = 8;

  private final BlockFile data;
  private final MetadataFile metadata;
  private final VolumeImage image;

  private VolumeStorage(BlockFile data, MetadataFile metadata, VolumeImage image) {
    this.data = data;
    this.metadata = metadata;
    this.image = image;
  }

  /** What a volume's files are created with when they do not exist yet. */
  public record Creation(long sizeBytes, int nodeId, List<Peer> peers, Provisioning provisioning, long initialUuid) {}

  /**
   * Opens the volume's files, creating both if neither exists. A fresh volume is created consistent
   * and up to date ("day 0": every replica starts from the same zeroed content).
   *
   * @throws CorruptMetadataException if the metadata file does not open, naming it and what is wrong
   * @throws IOException if only one of the two files exists, or the sizes disagree, with what to do
   */
  public static VolumeStorage openOrCreate(FileSystem fileSystem, VolumeFileNames names, Creation creation)
      throws IOException {
    boolean dataExists = fileSystem.exists(names.dataPath());
    boolean metadataExists = fileSystem.exists(names.metadataPath());
    boolean creationInterrupted = fileSystem.exists(names.newMetadataPath());
    if (!metadataExists && (creationInterrupted || !dataExists)) {
      // nothing was ever served from these files: a creation interrupted by a crash starts over
      if (creationInterrupted) {
        fileSystem.delete(names.newMetadataPath());
      }
      if (dataExists) {
        fileSystem.delete(names.dataPath());
      }
      create(fileSystem, names, creation);
    } else if (!metadataExists) {
      throw new IOException("data file " + names.dataPath() + " exists but its metadata file "
          + names.metadataPath() + " does not; move the data file away or restore the metadata file");
    } else if (!dataExists) {
      throw new IOException("metadata file " + names.metadataPath() + " exists but its data file "
          + names.dataPath() + " does not; restore the data file, or delete the metadata file to start empty");
    }
    return open(fileSystem, names, creation.sizeBytes());
  }

  /**
   * Creates the metadata under a temporary name first, then the data file, then renames the
   * metadata into place: a volume whose metadata file exists under its final name was created
   * completely, and a crash before that leaves the temporary file as proof that it was not.
   */
  private static void create(FileSystem fileSystem, VolumeFileNames names, Creation creation) throws IOException {
    List<PeerSlot> peerSlots = new ArrayList<>();
    for (Peer peer : creation.peers()) {
      if (peer.disk() == Peer.Disk.DISKFUL) {
        peerSlots.add(new PeerSlot(peer.nodeId(), 0, Set.of()));
      }
    }
    int slots = Math.max(1, peerSlots.size());
    while (peerSlots.size() < slots) {
      peerSlots.add(PeerSlot.unassigned());
    }
    Superblock blank = Superblock.initial(creation.sizeBytes(), creation.nodeId(), slots, ACTIVITY_LOG_BLOCKS,
        creation.initialUuid());
    Superblock initial = new Superblock(0, blank.volumeSizeBytes(), blank.nodeId(),
        EnumSet.of(SuperblockFlag.CONSISTENT, SuperblockFlag.WAS_UP_TO_DATE), blank.activityLogBlocks(),
        blank.currentUuid(), blank.bitmapUuid(), blank.historyUuids(), peerSlots);
    MetadataFile.create(fileSystem, names.newMetadataPath(), initial).close();
    try (BlockFile data = fileSystem.create(names.dataPath())) {
      if (creation.provisioning() == Provisioning.THICK) {
        data.preallocate(creation.sizeBytes());
      } else {
        data.resize(creation.sizeBytes());
      }
      data.sync();
    }
    fileSystem.rename(names.newMetadataPath(), names.metadataPath());
  }

  /** Opens existing files; the data file must be at least the volume's size. */
  public static VolumeStorage open(FileSystem fileSystem, VolumeFileNames names, long expectedSizeBytes)
      throws IOException {
    MetadataFile metadata = MetadataFile.open(fileSystem, names.metadataPath());
    BlockFile data = null;
    try {
      Superblock superblock = metadata.superblock();
      if (superblock.volumeSizeBytes() != expectedSizeBytes) {
        throw new IOException("metadata file " + names.metadataPath() + " describes a volume of "
            + superblock.volumeSizeBytes() + " bytes, the configuration asks for " + expectedSizeBytes
            + "; resizing is not supported yet: restore the configured size");
      }
      data = fileSystem.open(names.dataPath());
      if (data.size() < expectedSizeBytes) {
        throw new IOException("data file " + names.dataPath() + " has " + data.size() + " bytes, the volume needs "
            + expectedSizeBytes);
      }
      Bitmap bitmap;
      try {
        bitmap = Bitmap.decode(superblock.layout(), metadata.readBitmapRegion());
      } catch (IllegalArgumentException e) {
        throw new CorruptMetadataException(names.metadataPath(), "bitmap corrupted", e.getMessage());
      }
      VolumeImage image = new VolumeImage(superblock, bitmap, metadata.hotExtents(),
          metadata.lastTransactionSequence());
      return new VolumeStorage(data, metadata, image);
    } catch (IOException | RuntimeException e) {
      metadata.close();
      if (data != null) {
        data.close();
      }
      throw e;
    }
  }

  /** The metadata as read at open, for the core to attach. */
  public VolumeImage image() {
    return image;
  }

  public String dataPath() {
    return data.path();
  }

  public String metadataPath() {
    return metadata.path();
  }

  /** Runs a data or metadata effect to its end. */
  public Event.IoCompleted perform(Effect effect) {
    if (effect instanceof Effect.DataIo dataIo) {
      return performData(dataIo);
    }
    if (effect instanceof Effect.MetadataIo metadataIo) {
      return performMetadata(metadataIo);
    }
    throw new IllegalArgumentException("not an I/O effect: " + effect);
  }

  private Event.IoCompleted performData(Effect.DataIo io) {
    try {
      ByteBuffer readData = null;
      switch (io.operation()) {
        case READ:
          readData = ByteBuffer.allocate(io.length());
          int read = data.read(io.offset(), readData);
          // a data file shorter than the volume reads as zeros past its end
          readData.position(read).limit(io.length());
          while (readData.hasRemaining()) {
            readData.put((byte) 0);
          }
          readData.flip();
          break;
        case WRITE:
          data.write(io.offset(), io.payload().duplicate());
          break;
        case PUNCH_HOLE:
          data.punchHole(io.offset(), io.length());
          break;
        case WRITE_ZEROS:
          data.writeZeros(io.offset(), io.length());
          break;
        case SYNC:
          data.sync();
          break;
        default:
          throw new IllegalArgumentException("unknown data operation " + io.operation());
      }
      if (io.durability() == Durability.FORCED && io.operation() != DataOperation.SYNC) {
        data.sync();
      }
      return new Event.IoCompleted(io.ioId(), IoOutcome.OK, readData, null);
    } catch (IOException e) {
      return failed(io.ioId(), data.path(), e);
    }
  }

  private Event.IoCompleted performMetadata(Effect.MetadataIo io) {
    String step = "data sync";
    try {
      if (io.dataSync() == Effect.DataSync.FIRST) {
        data.sync();
      }
      step = "bitmap write";
      if (!io.bitmapPages().isEmpty()) {
        for (Map.Entry<Integer, byte[]> page : io.bitmapPages().entrySet()) {
          metadata.writeBitmapPage(page.getKey(), page.getValue());
        }
        metadata.sync();
      }
      step = "activity-log write";
      if (io.transaction() != null) {
        metadata.writeTransaction(io.transaction());
      }
      step = "superblock write";
      if (io.superblock() != null) {
        metadata.writeSuperblock(io.superblock());
      }
      return Event.IoCompleted.ok(io.ioId());
    } catch (IOException e) {
      return failed(io.ioId(), metadata.path() + " (" + step + ")", e);
    }
  }

  private static Event.IoCompleted failed(long ioId, String where, IOException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    IoOutcome outcome = message.contains("No space left") || message.contains("ENOSPC")
        ? IoOutcome.NO_SPACE : IoOutcome.ERROR;
    return new Event.IoCompleted(ioId, outcome, null, where + ": " + message);
  }

  @Override
  public void close() throws IOException {
    try {
      metadata.close();
    } finally {
      data.close();
    }
  }
}
