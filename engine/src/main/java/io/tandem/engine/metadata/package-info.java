/**
 * The metadata file of a volume: superblock, activity log and per-peer bitmaps (REPLICATION.md
 * "On disk"; DRBD-REFERENCE.md §1–3). The format is ours, not DRBD's. Encoding and decoding are
 * pure functions ({@link io.tandem.engine.metadata.SuperblockCodec},
 * {@link io.tandem.engine.metadata.ActivityLogTransactionCodec},
 * {@link io.tandem.engine.metadata.ActivityLogReplay}); {@link io.tandem.engine.metadata.MetadataFile}
 * does the I/O through {@code io.tandem.engine.storage} only (no threads, files, channels or clock
 * here; {@code ArchitectureTest} enforces it).
 *
 * <h2>File layout</h2>
 * All regions are whole 4 KiB blocks. The metadata file is a sibling of the data file ("external"
 * metadata in DRBD's words), so its layout starts at offset 0:
 * <pre>
 * | offset                    | size                  | region
 * |---------------------------|-----------------------|-------------------------------------------
 * | 0                         | 4096                  | superblock copy 0 (even sequence numbers)
 * | 4096                      | 4096                  | superblock copy 1 (odd sequence numbers)
 * | 8192                      | 4096 × ringBlocks     | activity-log ring, transaction s in block s % ringBlocks
 * | 8192 + 4096 × ringBlocks  | bitmapBytes           | per-peer bitmaps
 * </pre>
 * {@code bitmapBytes = roundUp4096(bitsPerSlot / 8 × peerSlots)}, {@code bitsPerSlot =
 * roundUp64(volumeSize / 4096)}: one bit per 4 KiB block per peer slot (DRBD's formula, so sizes
 * are predictable). The bitmap is interleaved in 64-bit little-endian words — word {@code w} of slot
 * {@code s} at {@code bitmapOffset + (w × peerSlots + s) × 8} — so one 4 MiB extent (1024 bits)
 * of every slot lies in at most two 4 KiB pages (one page write persists an extent for all peers).
 * A set bit means "may differ from that peer". This slice creates the bitmap zeroed; reading and
 * writing its pages comes next.
 *
 * <h2>Superblock (4096 bytes, big-endian)</h2>
 * <pre>
 * | off  | size   | field                 | meaning / check on open
 * |------|--------|-----------------------|------------------------------------------------------
 * | 0    | 8      | magic                 | 0x54414E44454D4D44 "TANDEMMD"
 * | 8    | 4      | format version        | 1; any other refuses the file
 * | 12   | 4      | reserved              | zero
 * | 16   | 8      | sequence              | +1 per superblock write; copy sequence % 2 is written
 * | 24   | 8      | volume size           | bytes; positive multiple of 4096
 * | 32   | 4      | node id               | 0..31
 * | 36   | 4      | flags                 | bits of {@link io.tandem.engine.metadata.SuperblockFlag}; unknown bits refuse
 * | 40   | 4      | peer slot count       | 1..32, fixed at create
 * | 44   | 4      | bitmap bytes per bit  | 4096
 * | 48   | 4      | activity-log blocks   | ring size, 2..1024
 * | 52   | 4      | extent size           | 4194304 (4 MiB)
 * | 56   | 8      | activity-log offset   | must equal the layout's (8192)
 * | 64   | 8      | bitmap offset         | must equal the layout's
 * | 72   | 8      | bitmap size           | bytes; must equal the layout's
 * | 80   | 8      | current UUID          | current data generation
 * | 88   | 8      | bitmap UUID           | generation the local bitmap started at (0 = none)
 * | 96   | 8 × 8  | history UUIDs         | older generations, newest first (0 = none)
 * | 160  | 32 × 24| peer slots            | slot i at 160 + 24 i; slots ≥ peer slot count all zero
 * |      |        |   +0  4 peer node id  | -1 = unassigned, else 0..31
 * |      |        |   +4  4 flags         | bits of {@link io.tandem.engine.metadata.PeerSlotFlag}
 * |      |        |   +8  8 bitmap UUID   | generation this slot's bitmap started at; with flag
 * |      |        |                       |   FULL_SYNC (bit 2), the marker of a full sync with the peer
 * |      |        |   +16 8 reserved      | zero
 * | 928  | 3164   | reserved              | zero
 * | 4092 | 4      | CRC32C                | over bytes 0..4091
 * </pre>
 *
 * <p><b>Two copies.</b> A superblock write goes to the copy holding the older sequence and is synced
 * before it is relied on, so the other copy always holds the previous synced superblock. On open, a
 * copy with a wrong magic or checksum is taken for a torn or unfinished write and the other copy is
 * used; the intact copy with the higher sequence wins. A copy whose checksum is good but whose
 * fields are not (wrong version, bad geometry, unknown flags, non-zero reserved bytes, wrong slot
 * for its sequence) refuses the file: that is not a torn write but a bug or foreign data. Limit: a
 * newest copy damaged after it was synced (bit rot) is indistinguishable from a torn write, and open
 * falls back to the previous superblock.
 *
 * <h2>Activity-log transaction (4096 bytes, big-endian)</h2>
 * <pre>
 * | off  | size     | field          | meaning / check
 * |------|----------|----------------|------------------------------------------------------
 * | 0    | 4        | magic          | 0x54414C54 "TALT"
 * | 4    | 2        | type           | 1 = UPDATE (extents become hot), 2 = SNAPSHOT (extents are the whole hot set)
 * | 6    | 2        | extent count n | 0..1018
 * | 8    | 8        | sequence       | ≥ 1, +1 per transaction; lives in ring block sequence % ringBlocks
 * | 16   | 4        | reserved       | zero
 * | 20   | 4 × n    | extent numbers | u32, 4 MiB extents (extent e = bytes [e × 4 MiB, (e+1) × 4 MiB))
 * | ...  |          | unused         | zero up to 4092
 * | 4092 | 4        | CRC32C         | over bytes 0..4091
 * </pre>
 * An all-zero block was never written. Each transaction is synced before the next is written and
 * before the write it announces proceeds. Replay rules (torn last transaction ignored, corruption
 * in the middle refuses) are in {@link io.tandem.engine.metadata.ActivityLogReplay}.
 */
package io.tandem.engine.metadata;
