/**
 * The narrow file interface the engine core does its metadata and volume-data I/O through, after
 * pebble's {@code vfs}: {@link io.tandem.engine.storage.FileSystem} opens and creates
 * {@link io.tandem.engine.storage.BlockFile}s, which offer positional reads and writes,
 * {@code sync} ({@code fsync}) and {@code syncData} ({@code fdatasync}), size and resize, and the
 * disk-space operations volume data files need: punching a hole, zeroing a range, preallocating,
 * and finding the data regions and the allocated size of a sparse file. Two implementations:
 * <ul>
 *   <li>{@link io.tandem.engine.storage.ChannelFileSystem}: the real one over {@code FileChannel};
 *       {@code sync()} is {@code force(true)}; creating or deleting a file also forces its
 *       directory. The space operations use Linux's {@code fallocate} and
 *       {@code SEEK_DATA}/{@code SEEK_HOLE}, which Java 17 lacks, through JNA
 *       ({@code NativeFileCalls}, package-private, on a second descriptor of the same file).
 *       Where the platform, the file system or the caller ({@link io.tandem.engine.storage.NativeCalls#DISABLED})
 *       rules them out, each falls back to plain Java with the same visible content: zeros written
 *       in 1 MiB chunks, holes of a preallocated file filled by rewriting its all-zero blocks, the
 *       whole file counted as data and as allocated. Each space operation returns the method it
 *       took ({@link io.tandem.engine.storage.ZeroingMethod},
 *       {@link io.tandem.engine.storage.AllocationMethod}); the first fallback of each kind is
 *       logged once. A native failure other than "not supported" is an {@code IOException}
 *       naming the path, the call and the errno.</li>
 *   <li>{@link io.tandem.engine.storage.MemoryFileSystem}: in memory, crashable and faulty. It
 *       keeps synced and unsynced operations apart; {@code crash(Random)} keeps everything synced
 *       and keeps, drops or tears (at a 512-byte sector boundary) each unsynced write, and keeps
 *       or drops whole each unsynced resize, punched hole, zeroed range and preallocation, chosen
 *       by the given Random only, so a crash replays exactly from its seed. Allocation is tracked
 *       per 4 KiB block, so data regions and allocated bytes are exact. A
 *       {@link io.tandem.engine.storage.FaultPolicy} decides before every operation whether it
 *       fails with an {@code IOException}, from the caller's seeded Random or a script.</li>
 * </ul>
 * Invariants every implementation keeps (checked by one contract test against all three ways of
 * running): a space operation never changes what a reader sees beyond its range and never
 * shrinks the file; a byte outside every data region reads as zero; a range given as a negative
 * or overflowing position and length is rejected with {@code IllegalArgumentException}.
 *
 * <p>Paths are plain strings so that callers need no {@code java.nio.file} (the core packages must
 * not use it; see {@code ArchitectureTest}).
 */
package io.tandem.engine.storage;
