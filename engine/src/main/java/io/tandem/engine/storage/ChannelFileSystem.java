package io.tandem.engine.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The real file system: a {@link FileChannel} per file, {@code force(true)} on sync. */
public final class ChannelFileSystem implements FileSystem {

  @Override
  public BlockFile create(String path) throws IOException {
    Path file = Path.of(path);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE);
    forceDirectoryOf(file);
    return new ChannelBlockFile(path, channel);
  }

  @Override
  public BlockFile open(String path) throws IOException {
    return new ChannelBlockFile(path, FileChannel.open(Path.of(path),
        StandardOpenOption.READ, StandardOpenOption.WRITE));
  }

  @Override
  public boolean exists(String path) {
    return Files.exists(Path.of(path));
  }

  @Override
  public void delete(String path) throws IOException {
    Path file = Path.of(path);
    Files.delete(file);
    forceDirectoryOf(file);
  }

  /** A new or removed directory entry is durable only once the directory itself is forced (Linux). */
  private static void forceDirectoryOf(Path file) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static final class ChannelBlockFile implements BlockFile {
    private final String path;
    private final FileChannel channel;

    ChannelBlockFile(String path, FileChannel channel) {
      this.path = path;
      this.channel = channel;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public int read(long position, ByteBuffer destination) throws IOException {
      int total = 0;
      while (destination.hasRemaining()) {
        int read = channel.read(destination, position + total);
        if (read < 0) {
          break;
        }
        total += read;
      }
      return total;
    }

    @Override
    public void write(long position, ByteBuffer source) throws IOException {
      long at = position;
      while (source.hasRemaining()) {
        at += channel.write(source, at);
      }
    }

    @Override
    public void sync() throws IOException {
      channel.force(true);
    }

    @Override
    public void syncData() throws IOException {
      channel.force(false);
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public void resize(long newSizeBytes) throws IOException {
      long size = channel.size();
      if (newSizeBytes < size) {
        channel.truncate(newSizeBytes);
      } else if (newSizeBytes > size) {
        // writing the last byte grows the file sparsely; the gap reads as zeros
        write(newSizeBytes - 1, ByteBuffer.allocate(1));
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
