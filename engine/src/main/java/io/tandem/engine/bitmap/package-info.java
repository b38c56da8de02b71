/**
 * The in-memory change-tracking bitmap of one volume (REPLICATION.md "On disk", DRBD-REFERENCE.md
 * §2): one bit per 4 KiB block per peer slot, a set bit meaning "this block may differ from that
 * peer". Pure data: no I/O; the core decides when pages are written and the edge writes them.
 *
 * <p>Invariants: the bitmap is a superset of the real difference (a bit is set before the write it
 * covers is issued, and cleared only for whole blocks confirmed in sync); a page changed since it
 * was last handed out for writing is marked dirty until it is handed out again.
 *
 * <p>The words are kept in the on-disk order (64-bit words interleaved by slot, see
 * {@code io.tandem.engine.metadata} package-info), so a page of memory is a page of the file.
 */
package io.tandem.engine.bitmap;
