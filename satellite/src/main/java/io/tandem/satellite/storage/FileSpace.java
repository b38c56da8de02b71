package io.tandem.satellite.storage;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Space of backing files: preallocation ({@code fallocate}) for thick volumes, sparse growth for
 * thin ones, and how much of a file is really allocated ({@code SEEK_DATA}/{@code SEEK_HOLE}).
 * Java 17 has none of these system calls; they are reached through JNA, and every one has a
 * portable fallback (writing zeros; counting the file as fully allocated) for filesystems or
 * platforms that lack it.
 */
public final class FileSpace {
    private static final Logger log = LoggerFactory.getLogger(FileSpace.class);
    private static final int O_RDWR = 2;
    private static final int O_RDONLY = 0;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final int ENXIO = 6;

    /** The libc calls used; loaded once, absent on platforms without a usable libc. */
    interface LibC extends Library {
        int open(String path, int flags, int mode);

        int close(int fd);

        int fallocate(int fd, int mode, long offset, long length);

        long lseek(int fd, long offset, int whence);

        int stat(String path, com.sun.jna.Pointer buffer);
    }

    /**
     * Offset of {@code st_blocks} in {@code struct stat}: 64 on both x86_64 and aarch64 Linux (the
     * layouts differ before it, not at it). Other platforms use the SEEK_DATA walk.
     */
    private static final int ST_BLOCKS_OFFSET = 64;
    private static final int STAT_SIZE = 256;
    private static final boolean STAT_LAYOUT_KNOWN = "Linux".equals(System.getProperty("os.name"))
            && ("amd64".equals(System.getProperty("os.arch")) || "aarch64".equals(System.getProperty("os.arch")));

    private static final LibC LIBC = load();

    private FileSpace() {
    }

    private static LibC load() {
        try {
            return Native.load("c", LibC.class);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            log.warn("libc not reachable through JNA ({}); using portable fallbacks", e.toString());
            return null;
        }
    }

    /** Makes {@code file} exactly {@code bytes} long, sparse: nothing is allocated. */
    public static void growSparse(Path file, long bytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            if (raf.length() < bytes) {
                raf.setLength(bytes);
            }
            raf.getFD().sync();
        }
    }

    /** Makes {@code file} at least {@code bytes} long with all of it allocated on disk. */
    public static void preallocate(Path file, long bytes) throws IOException {
        if (!Files.exists(file)) {
            Files.createFile(file);
        }
        if (LIBC != null) {
            int fd = LIBC.open(file.toString(), O_RDWR, 0);
            if (fd >= 0) {
                try {
                    int result = LIBC.fallocate(fd, 0, 0, bytes);
                    if (result == 0) {
                        growSparse(file, bytes); // fsync, and size in case fallocate kept it
                        return;
                    }
                    int errno = Native.getLastError();
                    if (errno == 28) { // ENOSPC
                        throw new IOException("not enough space to allocate " + bytes + " bytes for " + file);
                    }
                    log.debug("fallocate on {} failed (errno {}); writing zeros instead", file, errno);
                } finally {
                    LIBC.close(fd);
                }
            }
        }
        writeZeros(file, bytes);
    }

    private static void writeZeros(Path file, long bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            long position = channel.size();
            while (position < bytes) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - position));
                position += channel.write(zeros, position);
            }
            channel.force(true);
        }
    }

    /**
     * Bytes of disk {@code file} occupies: its allocated blocks (preallocated but unwritten space
     * counts, holes do not). Falls back to the data ranges SEEK_DATA finds, then to the file's size.
     */
    public static long allocatedBytes(Path file) throws IOException {
        long size = Files.size(file);
        if (LIBC == null || size == 0) {
            return size;
        }
        if (STAT_LAYOUT_KNOWN) {
            try (com.sun.jna.Memory buffer = new com.sun.jna.Memory(STAT_SIZE)) {
                buffer.clear();
                if (LIBC.stat(file.toString(), buffer) == 0) {
                    return buffer.getLong(ST_BLOCKS_OFFSET) * 512;
                }
            } catch (UnsatisfiedLinkError e) {
                log.debug("stat not callable through JNA: {}", e.toString());
            }
        }
        return dataBytes(file, size);
    }

    /** Bytes of {@code file} that hold data, found with SEEK_DATA/SEEK_HOLE; its size if unsupported. */
    static long dataBytes(Path file, long size) {
        if (LIBC == null || size == 0) {
            return size;
        }
        int fd = LIBC.open(file.toString(), O_RDONLY, 0);
        if (fd < 0) {
            return size;
        }
        try {
            long allocated = 0;
            long offset = 0;
            while (offset < size) {
                long data = LIBC.lseek(fd, offset, SEEK_DATA);
                if (data < 0) {
                    return Native.getLastError() == ENXIO ? allocated : size;
                }
                long hole = LIBC.lseek(fd, data, SEEK_HOLE);
                if (hole < 0) {
                    return size;
                }
                allocated += hole - data;
                offset = hole;
            }
            return allocated;
        } finally {
            LIBC.close(fd);
        }
    }
}
