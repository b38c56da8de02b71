package io.tandem.engine.storage;

/**
 * One operation on a {@link MemoryFileSystem}, as its {@link FaultPolicy} sees it just before it
 * runs.
 *
 * @param kind what the operation does
 * @param path the file it is on
 * @param position the first byte it touches, where it has a range; 0 otherwise
 * @param length how many bytes it touches (for {@code RESIZE} and {@code PREALLOCATE}, the new
 *     size from position 0); 0 where it has no range
 */
public record FileOperation(Kind kind, String path, long position, long length) {

  /** One per file system and {@link BlockFile} call that can fail; closing cannot. */
  public enum Kind {
    CREATE, OPEN, DELETE, RENAME,
    READ, WRITE, SYNC, SYNC_DATA, SIZE, RESIZE,
    PUNCH_HOLE, WRITE_ZEROS, PREALLOCATE, DATA_REGIONS, ALLOCATED_BYTES
  }

  @Override
  public String toString() {
    return kind + " " + path + (length > 0 ? " [" + position + ", +" + length + ")" : "");
  }
}
