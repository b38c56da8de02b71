/**
 * The wire between engines (REPLICATION.md "The wire between engines"): the frame codec and the
 * connection handshake. Pure and deterministic — no socket, thread, clock or randomness; the
 * connection code that owns the socket feeds bytes in and writes the bytes out.
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
 * HELLO 1, AUTHENTICATE 2, WELCOME 3, REFUSED 4, PING 16, PONG 17.
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
 * A body must be exactly as long as its fields; trailing bytes are an error.
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
 */
package io.tandem.engine.wire;
