/**
 * The wire between engines (REPLICATION.md "The wire between engines"): the frame codec, the
 * connection handshake and the messages of replication. Pure and deterministic — no socket,
 * thread, clock or randomness; the connection code that owns the socket feeds bytes in and writes
 * the bytes out.
 *
 * <h2>What it owns</h2>
 * <ul>
 *   <li>{@link io.tandem.engine.wire.WireDecoder} (explicit states, bounded buffers, bytes in
 *       slices of any size) and {@link io.tandem.engine.wire.WireEncoder}.</li>
 *   <li>The messages, {@link io.tandem.engine.wire.WireMessage}: each record encodes and decodes
 *       its own body.</li>
 *   <li>{@link io.tandem.engine.wire.PeerHandshake}: messages in, messages to send and an outcome
 *       out; the MAC transcript is {@link io.tandem.engine.wire.HandshakeTranscript}.</li>
 * </ul>
 *
 * <h2>Frame</h2>
 * Integers are big-endian. A 32-byte header, then the body:
 * <pre>
 * | off | size | field
 * |-----|------|----------------------------------------------------------------------
 * | 0   | 4    | magic 0x54445250 "TDRP"
 * | 4   | 2    | protocol version: 0 for the handshake types, else the agreed version
 * | 6   | 2    | message type (MessageType)
 * | 8   | 1    | sender node id, 0..31
 * | 9   | 1    | flags: bit 0 MAY_IGNORE; other bits must be zero
 * | 10  | 10   | reserved, zero
 * | 20  | 4    | body length n, ≤ 32 MiB + 4 KiB (handshake types: ≤ 4 KiB)
 * | 24  | 4    | CRC32C of the body
 * | 28  | 4    | CRC32C of header bytes 0..27
 * | 32  | n    | body
 * </pre>
 * The header has its own checksum, so a corrupt length is caught before the body is read or any
 * buffer allocated; the body checksum is checked before the body is decoded.
 *
 * <h3>Decoder checks</h3>
 * In this order; the first that fails is the decoder's error, and the connection is closed:
 * <pre>
 * | # | check                                                              | error says
 * |---|--------------------------------------------------------------------|---------------------------
 * | 1 | magic, as soon as its 4 bytes are in                               | bad magic
 * | 2 | header CRC32C                                                      | header checksum mismatch
 * | 3 | reserved bytes 10..19 are zero                                     | reserved header byte … not zero
 * | 4 | no unknown flag bits                                               | unknown frame flags
 * | 5 | sender node id ≤ 31                                                | sender node id …
 * | 6 | body length ≤ 32 MiB + 4 KiB                                       | body … too long
 * | 7 | during the handshake: a handshake type; after it: any other type   | … during / after the handshake
 * | 8 | handshake types: version 0 and body ≤ 4 KiB; others: the agreed    | … with version …, unknown
 * |   | version                                                            | version …
 * | 9 | after the handshake, an unknown type has MAY_IGNORE (it is then    | unknown message type …
 * |   | skipped, its body checksummed but not buffered)                    |
 * | 10| body CRC32C                                                        | body checksum mismatch
 * | 11| the body decodes: exact length, ranges, reserved zero, UTF-8       | the type and the field
 * </pre>
 * Types 1..15 are the handshake's; an unknown one is never ignorable. Types this build knows:
 * HELLO 1, AUTHENTICATE 2, WELCOME 3, REFUSED 4, PING 16, PONG 17, and for replication
 * REPLICA_STATE 32, DATA_WRITE 33, WRITE_ACK 34, BARRIER 35, BARRIER_ACK 36, BITMAP_RUNS 37,
 * RESYNC_REQUEST 38, RESYNC_REPLY 39, IN_SYNC 40, RESYNC_FINISHED 41, NEW_CURRENT_UUID 42,
 * TWO_PHASE 43, CHECKSUM_REQUEST 44, CHECKSUM_REPLY 45, PEER_ACK 46.
 *
 * <h2>Bodies</h2>
 * <pre>
 * HELLO (1)                                          AUTHENTICATE (2)
 * | off | size | field                               | off | size | field
 * |-----|------|-----------------------------        |-----|------|--------------------------
 * | 0   | 2    | min version, ≥ 1                    | 0   | 32   | HMAC-SHA256 of the transcript
 * | 2   | 2    | max version, ≥ min                  |     |      | (HandshakeTranscript)
 * | 4   | 8    | feature bits
 * | 12  | 1    | sender node id                      WELCOME (3)
 * | 13  | 1    | receiver node id expected           | off | size | field
 * | 14  | 1    | resource name length n, 1..255      |-----|------|--------------------------
 * | 15  | 1    | reserved, zero                      | 0   | 2    | chosen version, ≥ 1
 * | 16  | 32   | nonce                               | 2   | 8    | agreed features
 * | 48  | n    | resource name, UTF-8
 *                                                    PING (16), PONG (17)
 * REFUSED (4)                                        | off | size | field
 * | off | size | field                               |-----|------|--------------------------
 * |-----|------|-----------------------------        | 0   | 8    | sequence
 * | 0   | 2    | reason: UNKNOWN 0, PROTOCOL 1, VERSION 2, WRONG_RESOURCE 3, WRONG_NODE 4,
 * |     |      | AUTHENTICATION 5 (an unknown code decodes as UNKNOWN)
 * | 2   | 2    | text length n, ≤ 1024
 * | 4   | n    | text, UTF-8
 * </pre>
 * The replication bodies; a volume is a u16, 0..65535, a length of data at most 32 MiB, and a
 * range compared by checksums at most 1 MiB:
 * <pre>
 * REPLICA_STATE (32)
 * | off | size | field
 * |-----|------|-----------------------------
 * | 0   | 1    | role: SECONDARY 0, PRIMARY 1
 * | 1   | 1    | primary peer: 1 + the node id of the Primary the sender takes writes from, 0 for none
 * | 2   | 2    | volume count v
 * | 4   | 8    | write sequence: the last DATA_WRITE sequence the sender used
 * | 12  |      | v volumes, each (offsets within the volume):
 * | +0  | 2    |   volume number, each at most once
 * | +2  | 1    |   disk state, a code the core maps
 * | +3  | 1    |   flags: CRASHED_PRIMARY 1, LOST_QUORUM_AS_PRIMARY 2, RECONNECT 4, DISCARD_MY_DATA 8,
 * |     |      |   UNWRITTEN_GENERATION 16, REPLAYED_LOG 32;
 * |     |      |   other bits are carried, not refused
 * | +4  | 8    |   size in bytes, ≥ 0
 * | +12 | 8    |   current UUID
 * | +20 | 1    |   bitmap UUID count b, ≤ 32
 * | +21 | 1    |   history count h, ≤ 16
 * | +22 | 8    |   generation writes: the sequence of the last write of the current generation's
 * |     |      |   writer held here, ≥ 0 (0: unknown)
 * | +30 | 8    |   unacknowledged since: the parent of the generations this node started and
 * |     |      |   acknowledged no client write in (0: no such claim)
 * | +38 | 9·b  |   b × (node id u8, 0..31, ascending; that node's bitmap UUID u64)
 * |     | 8·h  |   h × history UUID u64, newest first
 *
 * DATA_WRITE (33)
 * | off | size | field
 * |-----|------|-----------------------------
 * | 0   | 8    | sequence
 * | 8   | 2    | volume
 * | 10  | 1    | operation: WRITE 0, PUNCH_HOLE 1, WRITE_ZEROS 2
 * | 11  | 1    | flags: FUA 1, WANT_RECEIVED_ACK 2; other bits must be zero
 * | 12  | 8    | offset, ≥ 0
 * | 20  | 4    | length n, 1..32 MiB; the end ≤ 2^63 − 1
 * | 24  | 4    | replicated to: bit i set for node i
 * | 28  | n    | payload, for WRITE only; PUNCH_HOLE and WRITE_ZEROS end at 28
 *
 * WRITE_ACK (34)                                     BARRIER (35)
 * | off | size | field                               | off | size | field
 * |-----|------|-----------------------------        |-----|------|-----------------------------
 * | 0   | 8    | the write's sequence                | 0   | 8    | sequence
 * | 8   | 1    | kind: RECEIVED 0, WRITTEN 1,
 * |     |      | FAILED 2
 *
 * BARRIER_ACK (36)                                   IN_SYNC (40)
 * | off | size | field                               | off | size | field
 * |-----|------|-----------------------------        |-----|------|-----------------------------
 * | 0   | 8    | the barrier's sequence              | 0   | 2    | volume
 * | 8   | 1    | ok: 1, or 0                         | 2   | 8    | offset, ≥ 0
 *                                                    | 10  | 8    | length, ≥ 1; the end ≤ 2^63 − 1
 *
 * BITMAP_RUNS (37)
 * | off | size | field
 * |-----|------|-----------------------------
 * | 0   | 2    | volume
 * | 2   | 1    | last: 1 on the bitmap's final message, else 0
 * | 3   | 1    | reserved, zero
 * | 4   | 4    | run count r, ≤ MAX_RUNS (2097407: the body stays ≤ 32 MiB + 4 KiB)
 * | 8   | 16·r | r × (first block u64, ≥ 0; count u64, ≥ 1), ascending, not overlapping
 *
 * RESYNC_REQUEST (38)                                RESYNC_REPLY (39)
 * | off | size | field                               | off | size | field
 * |-----|------|-----------------------------        |-----|------|-----------------------------
 * | 0   | 8    | id                                  | 0   | 8    | the request's id
 * | 8   | 2    | volume                              | 8   | 2    | volume
 * | 10  | 8    | offset, ≥ 0                         | 10  | 8    | offset, ≥ 0
 * | 18  | 4    | length, 1..32 MiB                   | 18  | 4    | length n, 1..32 MiB
 * | 22  | 1    | fence node, 0..31; 255 = none       | 22  | 1    | kind: DATA 0, ZEROES 1, FAILED 2
 * | 23  | 8    | fence sequence (0 without a fence)  | 23  | n    | payload, for DATA only
 *
 * RESYNC_FINISHED (41), NEW_CURRENT_UUID (42)        TWO_PHASE (43)
 * | off | size | field                               | off | size | field
 * |-----|------|-----------------------------        |-----|------|-----------------------------
 * | 0   | 2    | volume                              | 0   | 8    | transaction
 * | 2   | 8    | UUID                                | 8   | 1    | step: PREPARE 0, YES 1, NO 2, COMMIT 3,
 * | 10  | 4    | NEW_CURRENT_UUID only: weak nodes,  |     |      | ABORT 4
 * |     |      | a bit per node id the writes miss   |
 *                                                    | 9   | 1    | change: PROMOTE 0; 1..255 reserved
 *                                                    | 10  | 2    | text length n, ≤ 1024
 *                                                    | 12  | n    | text, UTF-8
 *
 * CHECKSUM_REQUEST (44)                              CHECKSUM_REPLY (45)
 * | off | size | field                               | off | size | field
 * |-----|------|-----------------------------        |-----|------|-----------------------------
 * | 0   | 8    | id                                  | 0   | 8    | the request's id
 * | 8   | 2    | volume                              | 8   | 2    | volume
 * | 10  | 8    | offset, ≥ 0                         | 10  | 8    | offset, ≥ 0
 * | 18  | 4    | length n, 1..1 MiB; the end         | 18  | 4    | length n, 1..1 MiB; the end
 * |     |      | ≤ 2^63 − 1                          |     |      | ≤ 2^63 − 1
 * | 22  | 1    | purpose: VERIFY 0, RESYNC 1         | 22  | 1    | status: OK 0, FAILED 1
 * | 23  | 32·b | b = ⌈n / 4096⌉ digests: the         | 23  | m    | mismatches, for OK only: m =
 * |     |      | SHA-256 of each block of 4096       |     |      | ⌈b / 8⌉ bytes, bit i (byte i / 8,
 * |     |      | bytes (the last may be shorter),    |     |      | bit i % 8 from the least
 * |     |      | block 0's first                     |     |      | significant) set when block i
 *                                                    |     |      | differs; the bits from b on zero
 *
 * PEER_ACK (46)
 * | off | size | field
 * |-----|------|-----------------------------
 * | 0   | 8    | the write's sequence, ≥ 1
 * | 8   | 4    | written by: a bit per node id that holds the write
 * </pre>
 * A body must be exactly as long as its fields; trailing bytes are an error. Reserved bytes are
 * zero, a boolean is 0 or 1, and a code outside its list is an error — except where a newer peer's
 * codes are expected: REFUSED's reason, REPLICA_STATE's disk state and flags, TWO_PHASE's change.
 *
 * <h2>Handshake</h2>
 * Symmetric, whichever side dialled:
 * <pre>
 * A                                   B
 * HELLO(A→B, versions, features, nA)  HELLO(B→A, versions, features, nB)    both at once
 * AUTHENTICATE(MAC(A→B))              AUTHENTICATE(MAC(B→A))                after the peer's HELLO
 * WELCOME(version, features)          WELCOME(version, features)            after verifying the
 *                                                                           peer's AUTHENTICATE
 * Established on the peer's WELCOME
 * </pre>
 * The chosen version is the highest in both ranges, else REFUSED(VERSION); the features are the
 * intersection. Any failure sends REFUSED(reason, text) and closes.
 *
 * <h2>Replication</h2>
 * Once the connection is established:
 * <ul>
 *   <li>REPLICA_STATE tells the peer what the connect decision needs: the node's role and, per
 *       volume, disk state, flags, size and generation UUIDs. Each side sends its own at once and
 *       again whenever any of it changes.</li>
 *   <li>DATA_WRITE carries one write of the primary to a peer: data, a hole to punch or a range to
 *       zero. Its node mask names every node the write goes to, so a receiver marks the write out
 *       of sync for the nodes that miss it. WRITE_ACK answers with RECEIVED (only when the write
 *       asks for it), then WRITTEN or FAILED.</li>
 *   <li>BARRIER closes an epoch of writes; BARRIER_ACK says whether every write before it is
 *       durable on the peer.</li>
 *   <li>BITMAP_RUNS sends, after connecting, the blocks one side holds out of sync for the other,
 *       as runs of blocks over as many messages as it takes; the final one is marked last.</li>
 *   <li>RESYNC_REQUEST and RESYNC_REPLY: the side being resynced asks for a range and gets its data,
 *       or ZEROES (the range reads as zeros and travels as a hole, without payload), or FAILED. A
 *       request to a source that is not the Primary carries a fence: the Primary's last write the
 *       requester received; the source reads only once it received that write too. The same pair
 *       serves reads of a node without usable data. IN_SYNC tells the source that a range is
 *       durable on the target: the source clears its bits for it. RESYNC_FINISHED ends the resync
 *       of a volume; the target takes the source's current UUID.</li>
 *   <li>PEER_ACK: a write of the Primary left its pipeline; the mask names the nodes that wrote
 *       it. A Secondary marks the write out of sync for the nodes it was meant for that are not in
 *       the mask, and takes every write it received without a PEER_ACK as missed by the other
 *       nodes when it loses the Primary.</li>
 *   <li>NEW_CURRENT_UUID: the primary started a new generation while connected, and the peer,
 *       which has every write, takes it too.</li>
 *   <li>TWO_PHASE carries a change the whole cluster agrees to first (a promotion): PREPARE to
 *       every peer, YES or NO (with the reason) from each, then COMMIT or ABORT to all.</li>
 *   <li>CHECKSUM_REQUEST and CHECKSUM_REPLY compare a range by digest instead of moving its data:
 *       the request carries the SHA-256 of each 4 KiB block of the sender's copy, the peer reads
 *       its own and answers which blocks differ, one bit per block, or FAILED when it could not
 *       read the range. Online verify (VERIFY) only reports the blocks that differ; a resync
 *       target (RESYNC) asks first, then sends RESYNC_REQUESTs for those blocks alone.</li>
 * </ul>
 * A payload (and a checksum message's digests or mismatches) is not copied when a frame is
 * decoded: the message keeps a read-only view of the body, which the decoder allocated for that
 * frame alone.
 */
package io.tandem.engine.wire;
