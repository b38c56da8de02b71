/**
 * The NBD server through which clients read and write volumes (REPLICATION.md "Roles and access"),
 * after the NBD protocol (NetworkBlockDevice/nbd {@code doc/proto.md}, cited as proto.md). This is
 * edge code: it owns sockets and threads, and knows nothing of the engine beyond the interfaces
 * the engine implements — {@link io.tandem.engine.nbd.NbdExports}, {@link io.tandem.engine.nbd.NbdExport},
 * {@link io.tandem.engine.nbd.NbdSession}.
 *
 * <h2>What it owns</h2>
 * <ul>
 *   <li>The codec, pure and without I/O: {@code NbdOptionDecoder} and {@code NbdRequestDecoder}
 *       (explicit states, bounded buffers, bytes accepted in slices of any size), {@code NbdEncoder},
 *       {@code NbdInfoRequest}, and {@code NbdRequestValidator}, which decides every request before
 *       a session sees it.</li>
 *   <li>{@link io.tandem.engine.nbd.NbdServer}: per client a reader thread (handshake, then
 *       decode–validate–submit without waiting) and a writer thread that sends replies in
 *       completion order, batching the replies that are ready together into one gathering write.</li>
 * </ul>
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>A session sees only valid requests; a bad request gets an error reply and the connection
 *       lives; a framing error (wrong magic, a WRITE payload over 32 MiB, option data over 64 KiB)
 *       closes the connection, because the stream can no longer be followed.</li>
 *   <li>Every request read gets exactly one reply, unless the connection breaks first.</li>
 *   <li>At most {@link io.tandem.engine.nbd.NbdConnectionLimits} requests and bytes are in flight
 *       per connection; at the bound the reader stops reading (backpressure through TCP).</li>
 *   <li>{@link io.tandem.engine.nbd.NbdSession#detach()} is called once per attached session, after
 *       the last completion and after the socket is closed.</li>
 * </ul>
 *
 * <h2>Protocol subset</h2>
 * Fixed newstyle handshake; options GO, INFO, LIST, ABORT and EXPORT_NAME; every other option
 * (STARTTLS, STRUCTURED_REPLY, the meta-context options, EXTENDED_HEADERS…) is answered with
 * {@code NBD_REP_ERR_UNSUP}, so all replies are simple replies. Commands READ, WRITE, DISC, FLUSH,
 * TRIM, WRITE_ZEROES; flags FUA and NO_HOLE. Integers are big-endian.
 *
 * <h3>Handshake</h3>
 * <pre>
 * | from   | size | field
 * |--------|------|---------------------------------------------------------------
 * | server | 8    | NBDMAGIC 0x4e42444d41474943
 * | server | 8    | IHAVEOPT 0x49484156454f5054
 * | server | 2    | handshake flags: FIXED_NEWSTYLE (bit 0) | NO_ZEROES (bit 1)
 * | client | 4    | client flags: C_FIXED_NEWSTYLE (bit 0), C_NO_ZEROES (bit 1); other bits close
 * </pre>
 * then options until GO succeeds, EXPORT_NAME, ABORT or a close:
 * <pre>
 * option (client)                       option reply (server)
 * | size | field                        | size | field
 * |------|-----------------------       |------|-----------------------------------
 * | 8    | IHAVEOPT                     | 8    | 0x0003e889045565a9
 * | 4    | option                       | 4    | option answered
 * | 4    | data length (≤ 64 KiB)       | 4    | reply type (ACK 1, SERVER 2, INFO 3, errors 2^31 + n)
 * | n    | data                         | 4    | data length
 *                                       | n    | data
 * </pre>
 * <ul>
 *   <li>GO / INFO: data = name length u32, name, count u16, info types u16 × count. Replies: INFO
 *       EXPORT (type u16 0, size u64, transmission flags u16) always, then NAME (1), DESCRIPTION (2)
 *       and BLOCK_SIZE (3: minimum 1, preferred 4096, maximum 32 MiB, each u32) if asked, then ACK.
 *       Unknown export: ERR_UNKNOWN; malformed data: ERR_INVALID; the export refuses at attach:
 *       ERR_POLICY; each with a message. INFO does not attach, so it reports the terms of a
 *       writable session; GO reports the real ones.</li>
 *   <li>LIST: one SERVER reply per export (name length u32, name, description), then ACK.</li>
 *   <li>ABORT: ACK, then close.</li>
 *   <li>EXPORT_NAME: data = the name; reply size u64, transmission flags u16 and 124 zero bytes
 *       unless C_NO_ZEROES. It cannot carry an error, so an unknown export or a refusal closes.
 *       A client without C_FIXED_NEWSTYLE may only send this option; any other closes.</li>
 * </ul>
 * Transmission flags: HAS_FLAGS, SEND_FLUSH, SEND_FUA always; READ_ONLY for a read-only session;
 * SEND_TRIM and SEND_WRITE_ZEROES when the export supports them and the session is writable;
 * CAN_MULTI_CONN when the export says so.
 *
 * <h3>Transmission</h3>
 * <pre>
 * request (client)                      simple reply (server)
 * | off | size | field                  | off | size | field
 * |-----|------|--------------------    |-----|------|---------------------------
 * | 0   | 4    | 0x25609513             | 0   | 4    | 0x67446698
 * | 4   | 2    | command flags          | 4   | 4    | error (0 or an NbdError code)
 * | 6   | 2    | type                   | 8   | 8    | cookie of the request
 * | 8   | 8    | cookie                 | 16  | n    | READ data, only if the error is 0
 * | 16  | 8    | offset
 * | 24  | 4    | length
 * | 28  | n    | WRITE payload (n = length)
 * </pre>
 *
 * <h3>Request rules</h3>
 * Applied in this order by {@code NbdRequestValidator}; the first that fails answers:
 * <pre>
 * | # | rule                                                          | error
 * |---|---------------------------------------------------------------|---------------------
 * | 1 | type is READ 0, WRITE 1, FLUSH 3, TRIM 4 or WRITE_ZEROES 6     | EINVAL
 * | 2 | no flag bits other than FUA (bit 0) and NO_HOLE (bit 1)        | EINVAL
 * | 3 | NO_HOLE only on WRITE_ZEROES                                   | EINVAL
 * | 4 | no WRITE, TRIM or WRITE_ZEROES on a read-only session          | EPERM
 * | 5 | TRIM / WRITE_ZEROES only if offered (SEND_TRIM, …)             | EINVAL
 * | 6 | FLUSH has offset 0 and length 0                                | EINVAL
 * | 7 | READ, WRITE, TRIM, WRITE_ZEROES have length ≥ 1                | EINVAL
 * | 8 | READ length ≤ 32 MiB (a longer WRITE is a framing error)       | EINVAL
 * | 9 | offset + length ≤ export size (no wrap-around possible)        | ENOSPC for WRITE and
 * |   |                                                               | WRITE_ZEROES, else EINVAL
 * </pre>
 * FUA is accepted on every command, as proto.md requires once SEND_FUA is offered, and passed to
 * the session only on WRITE, TRIM and WRITE_ZEROES. DISC stops reading; the in-flight requests
 * complete and are answered, then the socket is closed and the session detached.
 */
package io.tandem.engine.nbd;
