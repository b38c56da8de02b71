/**
 * The narrow file interface the engine core does its metadata (and later data) I/O through, after
 * pebble's {@code vfs}: {@link io.tandem.engine.storage.FileSystem} opens and creates
 * {@link io.tandem.engine.storage.BlockFile}s, which offer positional reads and writes, sync, size
 * and resize — nothing else. Two implementations:
 * <ul>
 *   <li>{@link io.tandem.engine.storage.ChannelFileSystem}: the real one over {@code FileChannel};
 *       {@code sync()} is {@code force(true)}; creating or deleting a file also forces its directory.</li>
 *   <li>{@link io.tandem.engine.storage.MemoryFileSystem}: in memory and crashable. It keeps synced
 *       and unsynced writes apart; {@code crash(Random)} keeps everything synced and keeps, drops
 *       or tears (at a 512-byte sector boundary) each unsynced write, chosen by the given Random
 *       only, so a crash replays exactly from its seed.</li>
 * </ul>
 * Paths are plain strings so that callers need no {@code java.nio.file} (the core packages must
 * not use it; see {@code ArchitectureTest}).
 */
package io.tandem.engine.storage;
