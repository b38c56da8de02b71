package io.tandem.engine.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A test file system over a {@link MemoryFileSystem} whose power fails at a chosen sync (or
 * syncData): that sync and every operation after it throw, so what was written since the previous
 * sync stays unsynced until the test calls {@link MemoryFileSystem#crash}. Lets a test crash in
 * the middle of any operation that ends in a sync.
 */
public final class PowerLossFileSystem implements FileSystem {

  private final MemoryFileSystem memory;
  private int syncsLeft;

  /** @param syncsBeforePowerLoss how many syncs succeed; the next one fails */
  public PowerLossFileSystem(MemoryFileSystem memory, int syncsBeforePowerLoss) {
    this.memory = memory;
    this.syncsLeft = syncsBeforePowerLoss;
  }

  public boolean powerLost() {
    return syncsLeft < 0;
  }

  private void checkPower() throws IOException {
    if (powerLost()) {
      throw new IOException("simulated power loss");
    }
  }

  @Override
  public BlockFile create(String path) throws IOException {
    checkPower();
    return new PowerLossBlockFile(memory.create(path));
  }

  @Override
  public BlockFile open(String path) throws IOException {
    checkPower();
    return new PowerLossBlockFile(memory.open(path));
  }

  @Override
  public boolean exists(String path) {
    return memory.exists(path);
  }

  @Override
  public void delete(String path) throws IOException {
    checkPower();
    memory.delete(path);
  }

  @Override
  public void rename(String from, String to) throws IOException {
    checkPower();
    memory.rename(from, to);
  }

  private final class PowerLossBlockFile implements BlockFile {
    private final BlockFile delegate;

    PowerLossBlockFile(BlockFile delegate) {
      this.delegate = delegate;
    }

    @Override
    public String path() {
      return delegate.path();
    }

    @Override
    public int read(long position, ByteBuffer destination) throws IOException {
      checkPower();
      return delegate.read(position, destination);
    }

    @Override
    public void write(long position, ByteBuffer source) throws IOException {
      checkPower();
      delegate.write(position, source);
    }

    @Override
    public void sync() throws IOException {
      checkPower();
      syncsLeft--;
      checkPower();
      delegate.sync();
    }

    @Override
    public void syncData() throws IOException {
      checkPower();
      syncsLeft--;
      checkPower();
      delegate.syncData();
    }

    @Override
    public long size() throws IOException {
      checkPower();
      return delegate.size();
    }

    @Override
    public void resize(long newSizeBytes) throws IOException {
      checkPower();
      delegate.resize(newSizeBytes);
    }

    @Override
    public ZeroingMethod punchHole(long position, long length) throws IOException {
      checkPower();
      return delegate.punchHole(position, length);
    }

    @Override
    public ZeroingMethod writeZeros(long position, long length) throws IOException {
      checkPower();
      return delegate.writeZeros(position, length);
    }

    @Override
    public AllocationMethod preallocate(long sizeBytes) throws IOException {
      checkPower();
      return delegate.preallocate(sizeBytes);
    }

    @Override
    public List<DataRegion> dataRegions(long position, long length) throws IOException {
      checkPower();
      return delegate.dataRegions(position, length);
    }

    @Override
    public long allocatedBytes() throws IOException {
      checkPower();
      return delegate.allocatedBytes();
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
