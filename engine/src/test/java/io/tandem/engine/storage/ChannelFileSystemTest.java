package io.tandem.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelFileSystemTest {

  @TempDir
  Path directory;

  private final FileSystem fileSystem = new ChannelFileSystem();

  @Test
  void writesReadsResizesAndSurvivesReopen() throws IOException {
    String path = directory.resolve("volume.meta").toString();
    assertThat(fileSystem.exists(path)).isFalse();
    try (BlockFile file = fileSystem.create(path)) {
      file.write(10, ByteBuffer.wrap("tandem".getBytes(StandardCharsets.US_ASCII)));
      file.sync();
      assertThat(file.size()).isEqualTo(16);
      file.resize(8192);
      assertThat(file.size()).isEqualTo(8192);
      file.sync();
    }
    try (BlockFile file = fileSystem.open(path)) {
      ByteBuffer buffer = ByteBuffer.allocate(20);
      assertThat(file.read(4, buffer)).isEqualTo(20);
      assertThat(new String(buffer.array(), 6, 6, StandardCharsets.US_ASCII)).isEqualTo("tandem");
      assertThat(file.read(8190, ByteBuffer.allocate(10))).isEqualTo(2);
      file.resize(12);
      assertThat(file.size()).isEqualTo(12);
    }
    assertThatThrownBy(() -> fileSystem.create(path)).isInstanceOf(IOException.class);
    fileSystem.delete(path);
    assertThat(fileSystem.exists(path)).isFalse();
    assertThatThrownBy(() -> fileSystem.open(path)).isInstanceOf(IOException.class);
  }
}
