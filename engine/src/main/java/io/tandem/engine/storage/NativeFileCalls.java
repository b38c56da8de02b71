package io.tandem.engine.storage;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Linux file calls Java 17 lacks, on one open file: {@code fallocate(2)} (punch a hole, zero a
 * range, allocate) and {@code lseek(2)} with {@code SEEK_DATA}/{@code SEEK_HOLE}, plus
 * {@code fstat(2)} for the allocated size. Reached through JNA on a descriptor of its own, opened
 * with libc's {@code open(2)} on the same path as the file's {@code FileChannel}, because
 * {@code java.nio} does not expose the channel's descriptor. Both name the same inode as long as
 * nothing renames another file over the path between the two opens; the engine owns its data
 * directory, so nothing does. The separate descriptor also keeps {@code lseek}'s moving of the file
 * offset away from the channel (which only uses positional I/O anyway).
 *
 * <p>Only on 64-bit Linux on x86-64 and aarch64: the constants and the {@code struct stat} layout
 * below are checked for those two (both use the generic values); elsewhere {@link #available()} is
 * false and callers use their portable fallbacks.
 *
 * <p>A call the file system does not support ({@code EOPNOTSUPP}, {@code ENOSYS}) is reported as
 * unsupported, remembered for this file, and logged once per call for the process; every other
 * failure is an {@link IOException} naming the path, the call and the errno. Calls are serialized
 * with {@link #close()} so that a descriptor number is never used after it was closed (and perhaps
 * reused for another file).
 */
final class NativeFileCalls implements Closeable {

  private static final System.Logger LOG = System.getLogger(NativeFileCalls.class.getName());

  // fcntl.h, unistd.h and errno.h values, the same on x86-64 and aarch64 Linux
  private static final int O_RDWR = 2;
  private static final int O_CLOEXEC = 0x80000;
  private static final int SEEK_DATA = 3;
  private static final int SEEK_HOLE = 4;
  private static final int EINTR = 4;
  private static final int ENXIO = 6;
  private static final int EINVAL = 22;
  private static final int ENOSYS = 38;
  private static final int EOPNOTSUPP = 95;

  /** Names for the errnos these calls document (Linux generic numbering), for messages. */
  private static final Map<Integer, String> ERRNO_NAMES = Map.ofEntries(
      Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(EINTR, "EINTR"), Map.entry(5, "EIO"),
      Map.entry(ENXIO, "ENXIO"), Map.entry(9, "EBADF"), Map.entry(13, "EACCES"),
      Map.entry(19, "ENODEV"), Map.entry(21, "EISDIR"), Map.entry(EINVAL, "EINVAL"),
      Map.entry(26, "ETXTBSY"), Map.entry(27, "EFBIG"), Map.entry(28, "ENOSPC"),
      Map.entry(29, "ESPIPE"), Map.entry(30, "EROFS"), Map.entry(ENOSYS, "ENOSYS"),
      Map.entry(EOPNOTSUPP, "EOPNOTSUPP"), Map.entry(122, "EDQUOT"));

  /** {@code st_blocks} in {@code struct stat}: offset 64 on both x86-64 and aarch64, counted in 512-byte units. */
  private static final int ST_BLOCKS_OFFSET = 64;
  private static final int STAT_BUFFER_BYTES = 256;
  private static final long ST_BLOCK_BYTES = 512;

  /** The {@code fallocate(2)} modes used (linux/falloc.h), with the name a message shows. */
  enum FallocateMode {
    /** {@code FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE}: the kernel requires both together. */
    PUNCH_HOLE(0x02 | 0x01, "FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE"),
    /** {@code FALLOC_FL_ZERO_RANGE} without KEEP_SIZE: like a write of zeros, it may grow the file. */
    ZERO_RANGE(0x10, "FALLOC_FL_ZERO_RANGE"),
    /** Mode 0: allocate, growing the file if the range ends beyond it. */
    ALLOCATE(0, "0");

    final int bits;
    final String flagNames;

    FallocateMode(int bits, String flagNames) {
      this.bits = bits;
      this.flagNames = flagNames;
    }
  }

  /** The libc functions used. JNA binds each by name on its first call. */
  interface LibC extends Library {
    int open(String path, int flags, int mode);

    int close(int fd);

    int fallocate(int fd, int mode, long offset, long length);

    long lseek(int fd, long offset, int whence);

    /** A symbol only since glibc 2.33 (before, a macro over {@code __fxstat}); missing means the SEEK walk. */
    int fstat(int fd, Pointer buffer);

    String strerror(int errno);
  }

  /** Loaded on first use only, so a file system told not to use native calls never loads JNA. */
  private static final class Libc {
    static final LibC INSTANCE = load();

    private static LibC load() {
      if (!Platform.isLinux() || !Platform.is64Bit()
          || !("x86-64".equals(Platform.ARCH) || "aarch64".equals(Platform.ARCH))) {
        LOG.log(Level.INFO, "no native file calls on {0} {1}; writing zeros instead of fallocate,"
            + " counting files as wholly allocated", System.getProperty("os.name"), Platform.ARCH);
        return null;
      }
      try {
        return Native.load("c", LibC.class);
      } catch (LinkageError | RuntimeException e) {
        // JNA's own library or libc not loadable (e.g. a noexec temp directory): the fallbacks
        // are correct, only slower and never sparse
        LOG.log(Level.WARNING, "libc not reachable through JNA ({0}); writing zeros instead of"
            + " fallocate, counting files as wholly allocated", e.toString());
        return null;
      }
    }
  }

  /** Calls found unsupported somewhere in this process, so the fallback is logged once per call. */
  private static final Set<String> LOGGED_UNSUPPORTED = ConcurrentHashMap.newKeySet();
  private static volatile boolean fstatMissing;

  private final String path;
  private final LibC libc;
  private final int fd;
  private final Set<FallocateMode> unsupportedModes = EnumSet.noneOf(FallocateMode.class);
  private boolean seekDataUnsupported;
  private boolean closed;

  private NativeFileCalls(String path, LibC libc, int fd) {
    this.path = path;
    this.libc = libc;
    this.fd = fd;
  }

  /** Whether this platform offers the calls at all; false means every caller takes its fallback. */
  static boolean available() {
    return Libc.INSTANCE != null;
  }

  /**
   * Opens {@code path} (which must exist) for the native calls.
   *
   * @return empty where the calls are not {@link #available()}
   * @throws IOException if libc's {@code open} fails, naming the path and errno
   */
  static Optional<NativeFileCalls> open(String path) throws IOException {
    LibC libc = Libc.INSTANCE;
    if (libc == null) {
      return Optional.empty();
    }
    while (true) {
      int fd = libc.open(path, O_RDWR | O_CLOEXEC, 0);
      if (fd >= 0) {
        return Optional.of(new NativeFileCalls(path, libc, fd));
      }
      int errno = Native.getLastError();
      if (errno != EINTR) {
        throw failure(libc, path, "open(O_RDWR|O_CLOEXEC)", errno);
      }
    }
  }

  /** False once {@code mode} was found unsupported for this file; the caller goes to its fallback directly. */
  synchronized boolean mayFallocate(FallocateMode mode) {
    return !unsupportedModes.contains(mode);
  }

  /**
   * {@code fallocate(fd, mode, offset, length)}.
   *
   * @return true if done; false if the file system or kernel does not support {@code mode}
   *     ({@code EOPNOTSUPP}, {@code ENOSYS}), in which case nothing was changed
   * @throws IOException on any other failure, e.g. {@code ENOSPC}
   */
  synchronized boolean fallocate(FallocateMode mode, long offset, long length) throws IOException {
    checkOpen();
    if (unsupportedModes.contains(mode)) {
      return false;
    }
    while (true) {
      if (libc.fallocate(fd, mode.bits, offset, length) == 0) {
        return true;
      }
      int errno = Native.getLastError();
      if (errno == EOPNOTSUPP || errno == ENOSYS) {
        unsupportedModes.add(mode);
        logUnsupportedOnce("fallocate(" + mode.flagNames + ")", errno);
        return false;
      }
      if (errno != EINTR) {
        throw failure(libc, path, "fallocate(" + mode.flagNames + ", " + offset + ", " + length + ")", errno);
      }
    }
  }

  /**
   * The data regions between {@code position} and {@code end} (at most the file size), from
   * {@code lseek(SEEK_DATA)} and {@code lseek(SEEK_HOLE)}, each clipped to the range.
   *
   * @return empty if the file system does not support {@code SEEK_DATA} ({@code EINVAL} on
   *     kernels before 3.1)
   */
  synchronized Optional<List<DataRegion>> dataRegions(long position, long end) throws IOException {
    checkOpen();
    if (seekDataUnsupported) {
      return Optional.empty();
    }
    List<DataRegion> regions = new ArrayList<>();
    long offset = position;
    while (offset < end) {
      long data = libc.lseek(fd, offset, SEEK_DATA);
      if (data < 0) {
        int errno = Native.getLastError();
        if (errno == ENXIO) {
          break; // no data at or after offset
        }
        if (errno == EINVAL && regions.isEmpty()) {
          seekDataUnsupported = true;
          logUnsupportedOnce("lseek(SEEK_DATA)", errno);
          return Optional.empty();
        }
        throw failure(libc, path, "lseek(" + offset + ", SEEK_DATA)", errno);
      }
      if (data >= end) {
        break;
      }
      long hole = libc.lseek(fd, data, SEEK_HOLE);
      if (hole < 0) {
        throw failure(libc, path, "lseek(" + data + ", SEEK_HOLE)", Native.getLastError());
      }
      long regionEnd = Math.min(hole, end);
      regions.add(new DataRegion(data, regionEnd - data));
      offset = regionEnd;
    }
    return Optional.of(regions);
  }

  /**
   * Bytes of disk the file occupies: {@code st_blocks × 512} from {@code fstat}, which counts
   * preallocated but unwritten blocks and not holes.
   *
   * @return empty where {@code fstat} is not a libc symbol (glibc before 2.33)
   */
  synchronized OptionalLong allocatedBytes() throws IOException {
    checkOpen();
    if (fstatMissing) {
      return OptionalLong.empty();
    }
    try (Memory buffer = new Memory(STAT_BUFFER_BYTES)) {
      buffer.clear();
      if (libc.fstat(fd, buffer) != 0) {
        throw failure(libc, path, "fstat", Native.getLastError());
      }
      return OptionalLong.of(buffer.getLong(ST_BLOCKS_OFFSET) * ST_BLOCK_BYTES);
    } catch (UnsatisfiedLinkError e) {
      fstatMissing = true;
      logUnsupportedOnce("fstat", ENOSYS);
      return OptionalLong.empty();
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    // no retry on EINTR: on Linux the descriptor is released even then, and a retry could close
    // a descriptor another thread has just been given
    if (libc.close(fd) != 0) {
      int errno = Native.getLastError();
      if (errno != EINTR) {
        throw failure(libc, path, "close", errno);
      }
    }
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("file is closed: " + path);
    }
  }

  private static void logUnsupportedOnce(String call, int errno) {
    if (LOGGED_UNSUPPORTED.add(call)) {
      LOG.log(Level.INFO, "{0} is not supported here ({1}); using the portable fallback"
          + " (logged once per process)", call, errnoName(errno));
    }
  }

  private static IOException failure(LibC libc, String path, String call, int errno) {
    return new IOException(call + " failed on " + path + ": " + errnoName(errno)
        + " (errno " + errno + ", " + libc.strerror(errno) + ")");
  }

  private static String errnoName(int errno) {
    return ERRNO_NAMES.getOrDefault(errno, "errno " + errno);
  }
}
